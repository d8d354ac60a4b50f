// What `npm start` prints once everything listens: where things are and three commands to try.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunningStack } from './stack.js';

export function banner(s: RunningStack, cwd: string = process.cwd()): string {
  const rel = (p: string): string => {
    const r = path.relative(cwd, p);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
  };
  const redis = s.redis
    ? `${s.redis.url} (${{ REDIS_URL: 'from REDIS_URL', local: 'already running', started: 'started by npm start, stopped on exit' }[s.redis.origin]})`
    : 'none: embedded mode, propagation jobs run in this process (start Redis or set REDIS_URL for the queue)';
  const token = existsSync(s.adminTokenFile)
    ? `in ${rel(s.adminTokenFile)} (operator admin; keep it secret)`
    : `not in ${rel(s.adminTokenFile)}: it was written or printed when this database was first set up`;
  const lines = [
    '',
    'Switchboard is running.',
    `  control plane   ${s.apiUrl}   (API docs ${s.apiUrl}/docs)`,
    `  NATS broker     ${s.natsUrl}`,
    ...(s.monitorUrl ? [`  monitoring      ${s.monitorUrl}/varz`] : []),
    `  database        ${s.database}`,
    `  redis           ${redis}`,
    `  admin token     ${token}`,
    '',
    'Try it (in another terminal):',
    `  npm run cli -- login --api ${s.apiUrl} --token-file ${shellQuote(rel(s.adminTokenFile))}`,
    `  npm run cli -- signup --api ${s.apiUrl} --email alice@example.com --org acme`,
    '  npm run cli -- users create alice --out alice.creds',
    `Then connect any NATS client to ${s.natsUrl} with alice.creds. Ctrl-C stops everything.`,
    '',
  ];
  return lines.join('\n');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
