// A config file's verdict from `nats-server -t` and from ours (optionsFromConfig on the parsed
// file) in one shape, so a test can compare them: accepted, or refused with nats-server's reason
// (the text after "file:line:col: ").
import { execFileSync } from 'node:child_process';
import { ConfigError, parseConfigFile } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { NATS_SERVER_BIN } from '@switchboard/testing';

export interface Verdict {
  ok: boolean;
  reason: string;
}

export function natsServerVerdict(file: string): Verdict {
  try {
    execFileSync(NATS_SERVER_BIN, ['-t', '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, reason: '' };
  } catch (err) {
    const text = String((err as { stderr: Buffer }).stderr).trim();
    // Without a position, the reason follows the program's name.
    return { ok: false, reason: /:\d+:\d+: (.*)/.exec(text)?.[1] ?? text.replace(/^nats-server: /, '') };
  }
}

export function ourVerdict(file: string): Verdict {
  try {
    optionsFromConfig(parseConfigFile(file));
    return { ok: true, reason: '' };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, reason: err.reason };
  }
}
