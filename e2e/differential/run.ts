// Prints the transcripts of differential cases, for writing cases and fixing servers:
//   node --conditions=@switchboard/source --import tsx e2e/differential/run.ts [--server nats-server|broker|both] [name-substring]
// With "both" (the default) it also says which cases disagree.
import { cases } from './cases.js';
import { startServer, type ServerKind } from '@switchboard/testing';
import { runCase } from './transcript.js';

const args = process.argv.slice(2);
const at = args.indexOf('--server');
const which = at >= 0 ? args.splice(at, 2)[1] : 'both';
const filter = args[0] ?? '';
const kinds: ServerKind[] = which === 'both' ? ['nats-server', 'broker'] : [which as ServerKind];

const selected = cases.filter((c) => c.name.includes(filter));
const configs = [...new Set(selected.map((c) => c.config))];
const differing: string[] = [];
for (const config of configs) {
  const group = selected.filter((x) => x.config === config);
  const started = await Promise.allSettled(kinds.map((k) => startServer(k, { config })));
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (servers.length < kinds.length) {
    for (const r of started) if (r.status === 'rejected') console.log(`\n!!! cannot start: ${String(r.reason)}`);
    await Promise.all(servers.map((s) => s.stop()));
    differing.push(...group.map((c) => `${c.name} (server did not start)`));
    continue;
  }
  try {
    for (const c of group) {
      const outs: string[] = [];
      for (const s of servers) outs.push(await runCase(c, s.port));
      console.log(`\n##### ${c.name}`);
      if (outs.length === 2 && outs[0] !== outs[1]) {
        differing.push(c.name);
        console.log(`--- nats-server\n${outs[0]}\n--- broker\n${outs[1]}`);
      } else {
        console.log(outs[0]);
      }
      const missing = (c.mustSee ?? []).filter((m) => !outs.every((o) => o.includes(m)));
      if (missing.length) console.log(`!!! missing: ${JSON.stringify(missing)}`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
if (kinds.length === 2) console.log(`\n${selected.length - differing.length} agree, ${differing.length} differ: ${differing.join(', ')}`);
