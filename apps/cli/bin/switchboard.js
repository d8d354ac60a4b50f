#!/usr/bin/env node
// Runs the built CLI (npm run build); from a source checkout use `npm run cli -- <args>`.
import('../dist/main.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('error: switchboard is not built: run `npm run build`, or use `npm run cli -- <args>` from the repository\n');
  } else {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.exit(1);
});
