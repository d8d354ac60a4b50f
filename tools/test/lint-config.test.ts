// The repo's ESLint config, run on code that is never written to disk: an import that breaks a
// boundary must fail lint, and the imports the architecture allows must pass. (Each bad import is
// chosen so that it would not also close a cycle: the rule reports a cycle instead of the tags.)
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './nx.js';

const eslint = new ESLint({ cwd: ROOT });

/** The messages of the rules that ran on `code` as if it were the file `file`. */
async function lint(file: string, code: string): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message }));
}

const boundaries = (message: RegExp) => [{ ruleId: '@nx/enforce-module-boundaries', message: expect.stringMatching(message) }];

describe('lint: module boundaries', () => {
  it('a lib importing an app fails', async () => {
    expect(await lint('libs/secrets/src/fixture.ts', "export { startBroker } from '@switchboard/broker';\n")).toEqual(
      boundaries(/tagged with "type:lib" can only depend on libs tagged with "type:lib", "type:test-kit"/),
    );
  }, 60_000);

  it('a data-plane lib importing a control-plane lib fails', async () => {
    expect(await lint('libs/server/src/fixture.ts', "export { freshDatabase } from '@switchboard/db';\n")).toEqual(
      boundaries(/tagged with "type:lib" and "scope:data-plane" can only depend on libs tagged with "scope:data-plane", "scope:shared"/),
    );
  }, 60_000);

  it('a shared lib importing a data-plane lib fails', async () => {
    expect(await lint('libs/config/src/fixture.ts', "export { ClientParser } from '@switchboard/protocol';\n")).toEqual(
      boundaries(/tagged with "type:lib" and "scope:shared" can only depend on libs tagged with "scope:shared"/),
    );
  }, 60_000);

  it("a test importing another project's test file by relative path fails", async () => {
    expect(await lint('libs/server/test/fixture.test.ts', "export { helper } from '../../protocol/test/helper.js';\n")).toEqual(
      boundaries(/Projects cannot be imported by a relative or absolute path/),
    );
  }, 60_000);

  it('app or lib code importing the test kit fails', async () => {
    expect(await lint('apps/broker/src/fixture.ts', "export { freePort } from '@switchboard/testing';\n")).toEqual(
      expect.arrayContaining([{ ruleId: 'no-restricted-imports', message: expect.stringMatching(/the test kit is for tests only/) }]),
    );
  }, 60_000);

  it('what the architecture allows passes', async () => {
    expect(await lint('apps/broker/src/fixture.ts', "export { Server } from '@switchboard/server';\n")).toEqual([]);
    expect(await lint('libs/issuer/src/fixture.ts', "export { extensionTags } from '@switchboard/accounts';\n")).toEqual([]);
    expect(await lint('apps/stack/src/fixture.ts', "export { startWorker } from '@switchboard/worker';\n")).toEqual([]);
    expect(await lint('libs/server/src/fixture.ts', "export { parseConfig } from '@switchboard/config';\n")).toEqual([]);
  }, 60_000);
});
