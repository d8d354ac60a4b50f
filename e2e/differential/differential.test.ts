// Same bytes in, same bytes out: every case runs against the reference nats-server and the
// broker, and the two transcripts must be identical (INFO ids, versions and addresses aside).
import { afterAll, describe, expect, it } from 'vitest';
import { cases, CONFIG } from './cases.js';
import { startServer, type RunningServer } from '@switchboard/testing';
import { runCase } from './transcript.js';

const configs = [...new Set(cases.map((c) => c.config))];

function configName(config: string | undefined): string {
  const named = Object.entries(CONFIG).find(([, text]) => text === config);
  return named ? named[0] : 'default';
}

for (const config of configs) {
  // One server of each kind per configuration, shared by that configuration's cases.
  describe(`differential (${configName(config)} config)`, () => {
    // Started by the first case that needs them, so a server that cannot start fails each
    // case on its own (with the reason) instead of skipping them.
    let servers: Promise<[RunningServer, RunningServer]> | undefined;
    const start = () => (servers ??= Promise.all([startServer('nats-server', { config }), startServer('broker', { config })]));

    afterAll(async () => {
      const started = await servers?.catch(() => undefined);
      await Promise.all(started?.map((s) => s.stop()) ?? []);
    });

    for (const c of cases.filter((x) => x.config === config)) {
      it(
        c.name,
        async () => {
          const [reference, broker] = await start();
          const expected = await runCase(c, reference.port);
          for (const m of c.mustSee ?? []) {
            expect(expected, `nats-server's transcript should contain ${m}:\n${expected}`).toContain(m);
          }
          expect(expected.includes('✕ connection closed'), `nats-server closes the connection: ${!c.closes}\n${expected}`).toBe(!!c.closes);
          const actual = await runCase(c, broker.port);
          expect(actual, `broker and nats-server disagree on "${c.name}"\n=== nats-server\n${expected}\n=== broker\n${actual}\n`).toBe(expected);
        },
        60_000,
      ); // a broker that never answers costs one sync timeout per connection
    }
  });
}
