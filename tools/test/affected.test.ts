// `nx affected -t typecheck test` runs what a change can break: the changed project and everything
// that depends on it, and nothing else.
import { describe, expect, it } from 'vitest';
import { affectedBy } from './nx.js';

const sb = (...names: string[]) => names.map((n) => `@switchboard/${n}`);

describe('nx affected', () => {
  it('a change in libs/subjects reaches its dependents and stops there', () => {
    const affected = affectedBy('libs/subjects/src/sublist.ts');
    expect(affected).toEqual(
      expect.arrayContaining(
        sb('subjects', 'accounts', 'server', 'broker', 'issuer', 'control-plane', 'worker', 'stack', 'bench', 'e2e-differential', 'e2e-journey'),
      ),
    );
    for (const unrelated of sb('protocol', 'config', 'nats-jwt', 'resolver', 'secrets', 'db', 'prisma', 'tools')) expect(affected).not.toContain(unrelated);
  }, 60_000);

  it('a change in libs/protocol reaches the broker but not the control plane', () => {
    const affected = affectedBy('libs/protocol/src/op-parser.ts');
    expect(affected).toEqual(expect.arrayContaining(sb('protocol', 'server', 'broker', 'stack', 'bench', 'e2e-differential', 'e2e-accounts')));
    for (const unrelated of sb('subjects', 'accounts', 'db', 'issuer', 'control-plane', 'cli', 'usage', 'propagation'))
      expect(affected).not.toContain(unrelated);
  }, 60_000);

  it('a migration reaches libs/db, its dependents and every suite using the test kit (it makes databases)', () => {
    const affected = affectedBy('prisma/schema.prisma');
    expect(affected).toEqual(expect.arrayContaining(sb('prisma', 'db', 'testing', 'control-plane', 'worker', 'usage', 'propagation', 'stack', 'broker')));
    for (const unrelated of sb('secrets', 'identity', 'tools')) expect(affected).not.toContain(unrelated);
  }, 60_000);

  it('a change in an e2e suite affects only that suite', () => {
    expect(affectedBy('e2e/differential/cases/basics.ts')).toEqual(sb('e2e-differential'));
  }, 60_000);
});
