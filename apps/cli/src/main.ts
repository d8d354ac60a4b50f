#!/usr/bin/env node
// The `switchboard` executable: real process I/O around run().
import { run } from './program.js';
import type { Io } from './context.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  // `npm run cli` runs from the repository root; relative paths (--out) mean where the user typed it.
  cwd: (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) || process.cwd(),
  readStdin,
};

// Anything that escapes run() is still one line, never a stack trace.
const last = (e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
};
process.on('uncaughtException', last);
process.on('unhandledRejection', last);

process.exitCode = await run(process.argv.slice(2), io);
