// Waiting by condition with a deadline, never by a fixed sleep: the poll interval only sets how
// soon a condition that became true is noticed.
import { connect } from 'node:net';

const POLL_MS = 10;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until it holds; throws `timed out waiting for <what>` after `ms`. A throwing `cond` fails at once. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(POLL_MS);
  }
}

/** Polls `probe` until it returns something other than undefined, and returns that. */
export async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 5_000, what = 'a value'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(POLL_MS);
  }
}

/** True when a TCP connection to `host:port` is accepted now. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Waits until `host:port` accepts TCP connections. */
export function waitForPort(port: number, ms = 10_000, host = '127.0.0.1'): Promise<void> {
  return waitFor(() => canConnect(port, host), ms, `${host}:${port} to accept connections`);
}

/** Waits until GET `url` answers (by default with a 2xx status); returns the status. */
export async function waitForHttp(url: string, ms = 10_000, ok: (status: number) => boolean = (s) => s >= 200 && s < 300): Promise<number> {
  return poll(
    async () => {
      const status = await fetch(url).then(
        (r) => (void r.body?.cancel(), r.status),
        () => 0,
      );
      return status !== 0 && ok(status) ? status : undefined;
    },
    ms,
    `${url} to answer`,
  );
}
