// The control plane as its own process, as deployed: `apps/control-plane/src/main.ts` under swc-node
// (Nest needs decorator metadata, which tsx does not emit).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../apps/control-plane');

/** Starts it and waits until /healthz answers 200; `stop` sends SIGTERM and waits for the exit. */
export async function startControlPlane(env: Record<string, string>, api: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=@switchboard/source', '--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd: appDir,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`control plane exited:\n${output}`);
    const status = await fetch(`${api}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`control plane not healthy after 120 s (last status ${status}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
