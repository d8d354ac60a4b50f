// RSS of a process holding a 10-million-message file stream (128 B payloads, 1000 subjects).
// `write <dir>` fills the stream (skipped when it is there); `open <dir>` opens it in a fresh
// process, reports open time and RSS, then RSS again after random loads and last-by-subject.
// Run: node --expose-gc --conditions=@switchboard/source --import tsx libs/stream-store/bench/rss-10m.ts write /tmp/s10m
//      node --expose-gc --conditions=@switchboard/source --import tsx libs/stream-store/bench/rss-10m.ts open /tmp/s10m
import { openFileStore } from '@switchboard/stream-store';

const [cmd, dir] = process.argv.slice(2) as ['write' | 'open', string];
const N = Number(process.env.N ?? 10_000_000);
const mib = (): number => {
  global.gc?.();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};
const SUBJECTS = Array.from({ length: 1000 }, (_, i) => `rss.orders.${i}`);

if (cmd === 'write') {
  const s = openFileStore({ dir });
  const payload = Buffer.alloc(128, 0x63);
  const t0 = Date.now();
  for (let i = s.state().msgs; i < N;) {
    for (let j = 0; j < 1000 && i < N; j++, i++) s.append(SUBJECTS[i % 1000]!, null, payload);
    await s.flushed();
  }
  console.log(`wrote: ${s.state().msgs} msgs, ${s.state().bytes} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s, RSS ${mib()} MiB`);
  await s.close();
} else {
  const before = mib();
  const t0 = Date.now();
  const s = openFileStore({ dir });
  const openMs = Date.now() - t0;
  const st = s.state();
  console.log(`open: ${st.msgs} msgs, ${st.numSubjects} subjects in ${(openMs / 1000).toFixed(1)} s; RSS before ${before} MiB, after open ${mib()} MiB`);
  let x = 0;
  for (let i = 0; i < 200_000; i++) x += s.load(1 + ((i * 2654435761) % st.msgs))!.data.length;
  for (let i = 0; i < 200_000; i++) x += s.loadLast(SUBJECTS[i % 1000]!)!.data.length;
  const rss = mib();
  const m = process.memoryUsage();
  console.log(
    `after 200k random loads + 200k last-by-subject: RSS ${rss} MiB (JS heap used ${Math.round(m.heapUsed / 2 ** 20)} MiB, array buffers ${Math.round(m.arrayBuffers / 2 ** 20)} MiB; read ${x} B)`,
  );
  await s.close();
}
