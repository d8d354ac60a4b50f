// The control plane as its own process, as deployed: `apps/control-plane/src/main.ts` under swc-node
// (Nest needs decorator metadata, which tsx does not emit).
import { startControlPlaneProcess } from '@switchboard/testing';

/** Starts it and waits until /healthz answers 200; `stop` sends SIGTERM and waits for the exit. */
export async function startControlPlane(env: Record<string, string>, api: string): Promise<{ stop(): Promise<void> }> {
  const child = startControlPlaneProcess([], env);
  let gone = false;
  void child.exited.then(() => (gone = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (gone) throw new Error(`control plane exited:\n${child.output()}`);
    const status = await fetch(`${api}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.proc.kill('SIGKILL');
      throw new Error(`control plane not healthy after 120 s (last status ${status}):\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      child.proc.kill('SIGTERM');
      await child.exited;
    },
  };
}
