// The web console in Debian's Chromium (playwright-core, never a downloaded browser) against the
// whole service: control plane + worker + broker on free ports, real PostgreSQL and Redis.
// A tenant signs up and in, makes a user (key pair in the browser), downloads its .creds; nats.js
// connects with it and publishes; the console shows the connection and its messages; revoking the
// user disconnects the client; a second tenant sees none of it; the operator suspends the first
// tenant and its client is cut off. No request body ever carries a seed. Screenshots of every
// page go to test-results/console/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMasterKey } from '@switchboard/secrets';
import { ServerLogger } from '@switchboard/server';
import { loadStackConfig, startStack, type RunningStack } from '@switchboard/stack';
import { dropRedisKeys, freePort, REDIS_URL, redisPrefix, REPO_ROOT, testDatabase, type TestDatabase } from '@switchboard/testing';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test-results', 'console');
const PASSWORD = 'correct horse battery staple';
/** An nkey seed of any kind, as text. */
const SEED = /S[OAUNC][A-Z2-7]{56}/;

describe('web console in Chromium', { timeout: 240_000 }, () => {
  let stack: RunningStack;
  let db: TestDatabase;
  let browser: Browser;
  let dir: string;
  const prefix = redisPrefix('console');
  const clients: NatsConnection[] = [];
  const requestBodies: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-console-'));
    // The console as `npm run build` makes it, into a folder of this test's own.
    const consoleDir = path.join(dir, 'console');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', consoleDir, '--logLevel', 'warn'], {
      cwd: path.join(REPO_ROOT, 'apps/console'),
      stdio: 'pipe',
    });
    db = await testDatabase();
    const [port, natsPort, natsHttpPort] = [await freePort(), await freePort(), await freePort()];
    const cfg = loadStackConfig({
      PORT: String(port),
      NATS_PORT: String(natsPort),
      NATS_HTTP_PORT: String(natsHttpPort),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SWITCHBOARD_MASTER_KEY: generateMasterKey().toString('base64'),
      CONSOLE_DIR: consoleDir,
    });
    const quiet = { info: () => {}, warn: () => {}, error: (m: string) => void process.stderr.write(`[stack] ${m}\n`) };
    stack = await startStack(cfg, {
      log: quiet,
      brokerLogger: new ServerLogger({ debug: false, trace: false, time: true, file: path.join(dir, 'broker.log') }),
    });
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await browser?.close();
    await stack?.close();
    await db?.drop();
    await dropRedisKeys(prefix);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(width = 1280, height = 860): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const page = await ctx.newPage();
    page.on('request', (r) => requestBodies.push(r.postData() ?? ''));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    return { ctx, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

  async function signUp(page: Page, organization: string, email: string, screenshot?: string) {
    await page.goto(`${stack.apiUrl}/#/signup`);
    await heading(page, 'Create your organization');
    await page.getByLabel('Organization').fill(organization);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    if (screenshot) await shot(page, screenshot);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await heading(page, 'Accounts');
  }

  /** Creates a user in the tenant's default account through the console; returns the downloaded .creds. */
  async function createUser(page: Page, name: string): Promise<string> {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('link', { name: 'default' }).click();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('User name').fill(name);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Create user and download .creds' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${name}.creds`);
    await page.getByText(`${name}.creds downloaded`).waitFor();
    return fs.readFileSync((await file.path())!, 'utf8');
  }

  async function natsClient(creds: string, name: string): Promise<NatsConnection> {
    const nc = await connect({ servers: stack.natsUrl, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), name, reconnect: false });
    clients.push(nc);
    return nc;
  }

  it('runs the tenant and operator journeys', async () => {
    // --- Tenant A signs up, signs out, signs in.
    const { ctx: ctxA, page: a } = await newPage();
    await signUp(a, 'Acme Rockets', 'owner@acme.test', 'signup');
    await shot(a, 'accounts');
    await a.getByRole('button', { name: 'Sign out' }).click();
    await heading(a, 'Sign in');
    await a.getByLabel('Email').fill('owner@acme.test');
    await a.getByLabel('Password').fill('not the password');
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' }).waitFor();
    await shot(a, 'signin-error');
    await a.getByLabel('Password').fill(PASSWORD);
    await a.getByRole('button', { name: 'Sign in' }).click();
    await heading(a, 'Accounts');

    // --- A user made in the browser; only its public key leaves it.
    const sent = requestBodies.length;
    const creds = await createUser(a, 'sensor-1');
    const userPosts = requestBodies.slice(sent).filter((b) => b.includes('"publicKey"'));
    expect(userPosts).toHaveLength(1);
    expect(Object.keys(JSON.parse(userPosts[0]!))).toEqual(['name', 'publicKey']);
    expect(JSON.parse(userPosts[0]!).publicKey).toMatch(/^U[A-Z2-7]{55}$/);
    expect(creds).toMatch(/-----BEGIN NATS USER JWT-----\n[\w-]+\.[\w-]+\.[\w-]+\n/);
    expect(creds).toMatch(/-----BEGIN USER NKEY SEED-----\nSU[A-Z2-7]{56}\n/);
    await shot(a, 'users');

    // --- nats.js connects with the file and publishes; the console shows the connection and its messages.
    const nc = await natsClient(creds, 'console-e2e-client');
    for (let i = 0; i < 7; i++) nc.publish('sensors.temp', new TextEncoder().encode(`{"c":${20 + i}}`));
    await nc.flush();
    await a.getByRole('link', { name: 'Connections' }).click();
    const row = a.getByRole('row').filter({ hasText: 'console-e2e-client' });
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(async () => row.textContent(), { timeout: 15_000 }).toMatch(/nats\.js/);
    await expect.poll(async () => (await row.locator('td').nth(5).textContent())?.trim(), { timeout: 15_000 }).toBe('7 / 0');
    await shot(a, 'connections');
    await a.getByRole('link', { name: 'Usage' }).click();
    await a.getByText('Connections now').waitFor();
    await expect.poll(async () => a.locator('.meter').first().textContent(), { timeout: 15_000 }).toMatch(/Connections now1 \/ 100/);
    await shot(a, 'account-usage');

    // --- Revoked in the console → the client is disconnected.
    await a.getByRole('link', { name: 'Users' }).click();
    const closed = nc.closed();
    await a.getByRole('button', { name: 'Revoke sensor-1' }).click();
    await a.getByRole('row').filter({ hasText: 'sensor-1' }).getByText('revoked').waitFor();
    await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error('client not disconnected after revoke')), 20_000))]);
    expect(nc.isClosed()).toBe(true);

    // --- The other pages of tenant A.
    await a.getByRole('link', { name: 'Exports & imports' }).click();
    await a.getByText('Nothing exported').waitFor();
    await shot(a, 'sharing');
    await a.getByRole('link', { name: 'API tokens' }).click();
    await heading(a, 'API tokens');
    await a.getByLabel('Token name').fill('ci-deploy');
    await a.getByRole('button', { name: 'Create token' }).click();
    await a.getByText('Copy this token now').waitFor();
    await shot(a, 'tokens');
    await a.getByRole('link', { name: 'Members' }).click();
    await heading(a, 'Members');
    await a.getByRole('button', { name: 'Create invite link' }).click();
    const link = await a.getByLabel('Invite link').inputValue();
    expect(link).toMatch(/#\/invite\/[\w-]{43}$/);
    await shot(a, 'members');
    await a.getByRole('link', { name: 'Audit log' }).click();
    await a.getByRole('cell', { name: 'user.revoke' }).first().waitFor();
    await shot(a, 'audit');

    // --- The invite, opened by someone else, joins as a member.
    const { ctx: ctxM, page: m } = await newPage(390, 844);
    await m.goto(link);
    await heading(m, 'Join Acme Rockets');
    await m.getByLabel('Email').fill('dev@acme.test');
    await m.getByLabel('Password').fill('short');
    await m.getByRole('button', { name: 'Join' }).click();
    await m.getByText('Use at least 10 characters.').waitFor();
    expect(await m.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await shot(m, 'invite-error-phone');
    await m.getByLabel('Password').fill(PASSWORD);
    await m.getByRole('button', { name: 'Join' }).click();
    await heading(m, 'Accounts');
    await shot(m, 'accounts-phone');
    await ctxM.close();

    // --- A second user, connected, for the suspension below.
    const creds2 = await createUser(a, 'sensor-2');
    const nc2 = await natsClient(creds2, 'second-client');
    nc2.publish('sensors.temp', new TextEncoder().encode('1'));
    await nc2.flush();

    // --- Tenant B sees none of A.
    const accountA = /#\/accounts\/([0-9a-f-]{36})/.exec(a.url())![1]!;
    const { ctx: ctxB, page: b } = await newPage();
    await signUp(b, 'Bolt Labs', 'owner@bolt.test');
    // The list loads after the heading (a poll of 1 s could time out waiting for it under load), and
    // its text holds names and short keys, never an account id: check where its links lead.
    const bAccounts = b.getByRole('table', { name: 'Accounts' });
    await bAccounts.waitFor();
    const bLinks = await bAccounts.getByRole('link').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(bLinks).toEqual([expect.stringMatching(/^#\/accounts\/[0-9a-f-]{36}$/)]);
    expect(bLinks).not.toContain(`#/accounts/${accountA}`);
    await b.goto(`${stack.apiUrl}/#/accounts/${accountA}/connections`);
    await b.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    await b.getByRole('link', { name: 'default' }).waitFor({ state: 'detached' });
    await b.goto(`${stack.apiUrl}/#/accounts`);
    await b.getByRole('link', { name: 'default' }).click();
    await b.getByRole('link', { name: 'Connections' }).click();
    await b.getByText('No clients connected').waitFor();
    await b.getByRole('link', { name: 'Audit log' }).click();
    await b.getByRole('cell', { name: 'tenant.signup' }).waitFor();
    const bAudit = (await b.getByRole('table', { name: 'Audit log' }).textContent()) ?? '';
    expect(bAudit).not.toMatch(/user\.create|user\.revoke|Acme/);
    await shot(b, 'second-tenant-empty');
    await ctxB.close();

    // --- The operator: set up with the admin token, signs in, suspends tenant A; its client is cut off.
    const { ctx: ctxO, page: o } = await newPage();
    await o.goto(`${stack.apiUrl}/#/operator-setup`);
    await heading(o, 'Operator sign-in setup');
    await o.getByLabel('Admin token').fill(fs.readFileSync(stack.adminTokenFile, 'utf8').trim());
    await o.getByLabel('Operator email').fill('ops@switchboard.test');
    await o.getByLabel('Password').fill(PASSWORD);
    await o.getByRole('button', { name: 'Create operator' }).click();
    await o.getByText('Operator created.').waitFor();
    await shot(o, 'operator-setup');
    await o.goto(`${stack.apiUrl}/#/signin`);
    await heading(o, 'Sign in');
    await o.getByLabel('Email').fill('ops@switchboard.test');
    await o.getByLabel('Password').fill(PASSWORD);
    await o.getByRole('button', { name: 'Sign in' }).click();
    await heading(o, 'Tenants');
    await o.getByLabel('Search by name or email').fill('acme');
    await o.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => o.getByRole('table', { name: 'Tenants' }).textContent(), { timeout: 15_000 }).not.toContain('Bolt');
    await o.getByRole('button', { name: 'Suspend Acme Rockets' }).click();
    await o.getByLabel('Reason (kept in the audit log)').fill('unpaid invoice');
    await shot(o, 'operator-suspend');
    const closed2 = nc2.closed();
    await o.getByRole('button', { name: 'Suspend', exact: true }).click();
    await o.getByRole('row').filter({ hasText: 'Acme Rockets' }).getByText('suspended').waitFor();
    await Promise.race([closed2, new Promise((_, rej) => setTimeout(() => rej(new Error('client not cut off after suspension')), 20_000))]);
    await shot(o, 'operator-tenants');
    // The tenant's console says so in words.
    await a.reload();
    await a
      .getByText('Your organization is suspended.')
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(async () => {
        await a.getByRole('heading', { name: 'Sign in' }).waitFor();
      });

    await o.getByRole('link', { name: 'Plans' }).click();
    await heading(o, 'Plans');
    await o.getByRole('button', { name: 'Edit plan free' }).click();
    await o.getByLabel('Connections', { exact: true }).fill('50');
    await o.getByRole('button', { name: 'Review change' }).click();
    await o.getByText('This changes 2 accounts of 2 tenants').waitFor();
    await shot(o, 'operator-plans');
    await o.getByRole('button', { name: 'Yes, change 2 accounts' }).click();
    await o.getByText('Plan free saved: 2 accounts re-signed').waitFor();
    await o.getByRole('link', { name: 'Brokers' }).click();
    await o.getByRole('row').filter({ hasText: 'local' }).getByText('ok').waitFor();
    await shot(o, 'operator-brokers');
    await o.getByRole('link', { name: 'Queue' }).click();
    await heading(o, 'Propagation queue');
    await o.getByText('No dead letters').waitFor();
    await shot(o, 'operator-queue');
    await o.getByRole('link', { name: 'Audit log' }).click();
    await o.getByRole('cell', { name: 'tenant.update' }).waitFor();
    expect(await o.getByRole('table', { name: 'Audit log' }).textContent()).toContain('unpaid invoice');
    await shot(o, 'operator-audit');
    await ctxO.close();
    await ctxA.close();

    // No seed in any request the browsers sent; no script error on any page.
    expect(requestBodies.filter((x) => SEED.test(x))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
  it('shows a tenant its streams, consumers, key-value buckets and JetStream usage', async () => {
    // The operator gives the default plan JetStream storage and two leaf node connections.
    const admin = fs.readFileSync(stack.adminTokenFile, 'utf8').trim();
    const asAdmin = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${stack.apiUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.status, `${method} ${url}`).toBe(200);
      return (await res.json()) as Record<string, any>;
    };
    const free = (await asAdmin('GET', '/v1/plans')).items.find((p: { name: string }) => p.name === 'free');
    await asAdmin('PATCH', `/v1/plans/${free.id}`, {
      limits: { jsMemoryStorage: 16 << 20, jsDiskStorage: 256 << 20, jsStreams: 10, jsConsumers: 50, maxLeafNodes: 2 },
    });

    const { ctx, page: c } = await newPage();
    await signUp(c, 'Comet Data', 'owner@comet.test');
    const creds = await createUser(c, 'js-app');

    // Before anything exists: the empty states say what to do.
    await c.getByRole('link', { name: 'Streams' }).click();
    await c.getByText('No streams yet').waitFor();
    await shot(c, 'streams-empty');
    await c.getByRole('link', { name: 'Key-value' }).click();
    await c.getByText('No key-value buckets yet').waitFor();
    await shot(c, 'kv-empty');

    // The tenant's application makes a stream, a consumer half-way through it, and a KV bucket.
    const nc = await natsClient(creds, 'js-app');
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.consumers.add('ORDERS', { durable_name: 'shipper', ack_policy: 'explicit' as never });
    const js = nc.jetstream();
    for (let i = 1; i <= 7; i++) await js.publish(`orders.eu.${i}`, JSON.stringify({ id: i, total: 10 * i }));
    const shipper = await js.consumers.get('ORDERS', 'shipper');
    for (let i = 1; i <= 3; i++) expect((await shipper.next({ expires: 5000 }))?.seq).toBe(i);
    const kv = await js.views.kv('config', { history: 5 });
    await kv.put('app.color', 'blue');
    await kv.put('app.color', 'green');
    await kv.put('feature.flags', JSON.stringify({ checkout: true, dark_mode: false }, null, 2));

    // Streams: the message count and the consumer's pending / unacknowledged.
    await c.getByRole('link', { name: 'Streams' }).click();
    const orders = c.getByRole('article', { name: 'Stream ORDERS' });
    await orders.waitFor({ timeout: 15_000 });
    await expect.poll(async () => orders.locator('.stat').filter({ hasText: 'Messages' }).locator('dd').textContent(), { timeout: 15_000 }).toBe('7');
    const row = orders.getByRole('row').filter({ hasText: 'shipper' });
    const cells = async () => (await row.locator('td').allTextContents()).map((t) => t.trim());
    await expect.poll(async () => (await cells()).slice(2, 6), { timeout: 15_000 }).toEqual(['4', '3', '0', '7']);
    await c.getByRole('article', { name: 'Stream KV_config' }).waitFor();
    await shot(c, 'streams');

    // Key-value: the bucket opens, the key shows its value, revision and history.
    await c.getByRole('link', { name: 'Key-value' }).click();
    await c.getByRole('row').filter({ hasText: 'config' }).waitFor();
    await c.getByRole('button', { name: 'app.color' }).click();
    const value = c.getByRole('region', { name: 'Key app.color' });
    await expect.poll(async () => c.getByLabel('Value', { exact: true }).textContent(), { timeout: 15_000 }).toBe('green');
    expect(await value.locator('.stat').filter({ hasText: 'Revision' }).locator('dd').textContent()).toBe('2');
    const history = c.getByRole('table', { name: 'History of app.color' });
    expect((await history.locator('tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/^2PUT.*green$/),
      expect.stringMatching(/^1PUT.*blue$/),
    ]);
    await c.getByRole('button', { name: 'feature.flags' }).click();
    await expect.poll(async () => c.getByLabel('Value', { exact: true }).textContent(), { timeout: 15_000 }).toContain('"checkout": true');
    await shot(c, 'kv');

    // Usage: JetStream storage and leaf connections against the plan.
    await c.getByRole('link', { name: 'Usage' }).click();
    const meter = (name: string) => c.locator('.meter').filter({ hasText: name });
    await expect.poll(async () => meter('Streams').textContent(), { timeout: 15_000 }).toMatch(/Streams2 \/ 10/);
    await expect.poll(async () => meter('Consumers').textContent(), { timeout: 15_000 }).toMatch(/Consumers1 \/ 50/);
    expect(await meter('File storage').textContent()).toMatch(/ \/ 256\.0 MiB$/);
    expect(await meter('Leaf node connections').textContent()).toMatch(/0 \/ 2$/);
    await shot(c, 'account-usage-jetstream');

    // The same pages at phone width.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await ctx.storageState() });
    const p = await phone.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    const accountPath = /#\/accounts\/[0-9a-f-]{36}/.exec(c.url())![0];
    await p.goto(`${stack.apiUrl}/${accountPath}/streams`);
    await p.getByRole('article', { name: 'Stream ORDERS' }).waitFor({ timeout: 15_000 });
    await shot(p, 'streams-phone');
    await p.goto(`${stack.apiUrl}/${accountPath}/kv`);
    await p.getByRole('button', { name: 'app.color' }).click();
    await expect.poll(async () => p.getByLabel('Value', { exact: true }).textContent(), { timeout: 15_000 }).toBe('green');
    await shot(p, 'kv-phone');
    await phone.close();
    await ctx.close();

    expect(requestBodies.filter((x) => SEED.test(x))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
