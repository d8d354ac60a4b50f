// The tenant's NATS accounts: limits against live use (polled), hourly charts, users (key pair made
// here, .creds downloaded), live connections, exports and imports.
import { createUser } from '@nats-io/nkeys';
import { useState } from 'preact/hooks';
import { api, type Account, type Connection, type Page, type Session, type Streams, type Usage, type User } from '../api';
import { HourlyChart } from '../chart';
import { credsFile, download } from '../creds';
import { fmtBytes, fmtNum, fmtTime, short } from '../format';
import { Alert, Empty, Field, Loading, PageTitle, Select, Table, useForm, usePoll } from '../ui';
import { jetStreamOn, KeyValueTab, StreamsTab } from './jetstream';

const canWrite = (s: Session) => s.role !== 'tenant_viewer';
const isAdmin = (s: Session) => s.role === 'tenant_admin' || s.role === 'operator_admin';

export function Accounts(props: { session: Session }) {
  const list = usePoll(() => api<Page<Account>>('GET', '/v1/accounts'), 0);
  const [name, setName] = useState('');
  const f = useForm();
  return (
    <>
      <PageTitle sub="Each NATS account is an isolated namespace of subjects with its own limits and users.">Accounts</PageTitle>
      {list.error && <Alert>{list.error}</Alert>}
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title="No accounts yet">Create one below to get a NATS account for your applications.</Empty>
      ) : (
        <Table caption="Accounts" head={['Name', 'Public key', 'Connections', 'Payload', 'Created']}>
          {list.data.items.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`#/accounts/${a.id}`}>{a.name}</a>
              </td>
              <td>
                <code title={a.publicKey}>{short(a.publicKey)}</code>
              </td>
              <td>{fmtNum(a.limits.maxConnections ?? -1)}</td>
              <td>{fmtBytes(a.limits.maxPayload ?? -1)}</td>
              <td>{fmtTime(a.createdAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      {isAdmin(props.session) && (
        <form
          class="inline-form"
          ref={f.ref}
          onSubmit={f.onSubmit(async () => {
            await api('POST', '/v1/accounts', { name });
            setName('');
            list.reload();
          })}
          noValidate
        >
          <h2>New account</h2>
          {f.error && <Alert>{f.error}</Alert>}
          <Field
            label="Account name"
            name="name"
            hint="Letters, digits, _ . - (for example: orders-prod)"
            value={name}
            onInput={setName}
            error={f.fields.name}
          />
          <button type="submit" disabled={f.busy}>
            Create account
          </button>
        </form>
      )}
    </>
  );
}

const TABS = [
  ['overview', 'Usage'],
  ['users', 'Users'],
  ['connections', 'Connections'],
  ['streams', 'Streams'],
  ['kv', 'Key-value'],
  ['sharing', 'Exports & imports'],
] as const;

export function AccountDetail(props: { session: Session; id: string; tab: string }) {
  const acc = usePoll(() => api<Account>('GET', `/v1/accounts/${props.id}`), 0, [props.id]);
  if (acc.error) return <Alert>{acc.error}</Alert>;
  if (!acc.data) return <Loading />;
  const a = acc.data;
  const tab = TABS.some(([t]) => t === props.tab) ? props.tab : 'overview';
  return (
    <>
      <PageTitle sub={`Account ${a.publicKey}`}>{a.name}</PageTitle>
      <nav class="tabs" aria-label="Account sections">
        {TABS.map(([t, label]) => (
          <a key={t} href={`#/accounts/${a.id}/${t}`} aria-current={tab === t ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {tab === 'overview' && <Overview account={a} />}
      {tab === 'users' && <Users account={a} session={props.session} />}
      {tab === 'connections' && <Connections account={a} />}
      {tab === 'streams' && <StreamsTab account={a} />}
      {tab === 'kv' && <KeyValueTab account={a} />}
      {tab === 'sharing' && <Sharing account={a} session={props.session} />}
    </>
  );
}

function Meter(props: { label: string; used: number; limit: number; fmt: (n: number) => string; hint?: string }) {
  const pct = props.limit > 0 ? Math.min(100, (props.used / props.limit) * 100) : 0;
  return (
    <div class="meter">
      <div class="meter-head">
        <span>
          {props.label}
          {props.hint && <small class="muted"> ({props.hint})</small>}
        </span>
        <span>
          {props.fmt(props.used)} / {props.limit < 0 ? 'unlimited' : props.limit === 0 ? 'not in plan' : props.fmt(props.limit)}
        </span>
      </div>
      <div
        class="bar"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.limit < 0 ? undefined : props.limit}
        aria-valuenow={props.used}
      >
        <div class={`fill${pct >= 90 ? ' hot' : ''}`} style={{ width: `${props.limit < 0 ? 2 : pct}%` }} />
      </div>
    </div>
  );
}

function Overview(props: { account: Account }) {
  const a = props.account;
  const from = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const usage = usePoll(() => api<Usage>('GET', `/v1/accounts/${a.id}/usage?from=${encodeURIComponent(from)}`), 10_000, [a.id]);
  const month = usePoll(() => api<Usage>('GET', `/v1/accounts/${a.id}/usage`), 10_000, [a.id]);
  const conns = usePoll(() => api<{ items: Connection[] }>('GET', `/v1/accounts/${a.id}/connections`), 5_000, [a.id]);
  const js = jetStreamOn(a);
  const live = usePoll(() => (js ? api<Streams>('GET', `/v1/accounts/${a.id}/streams`) : Promise.resolve(undefined)), 5_000, [a.id, js]);
  const l = a.limits;
  const clients = conns.data?.items ?? [];
  // Always the last 24 whole hours, hours without traffic as 0 (the API lists only hours with rows).
  const HOUR = 3_600_000;
  const first = Math.floor(Date.now() / HOUR) * HOUR - 23 * HOUR;
  const byHour = new Map((usage.data?.hourly ?? []).map((h) => [Date.parse(h.period), h]));
  const buckets = Array.from({ length: 24 }, (_, i) => first + i * HOUR);
  type Series = 'msgsIn' | 'msgsOut' | 'bytesIn' | 'bytesOut' | 'jsStorage' | 'jsMemory' | 'leafNodes';
  const series = (k: Series) => buckets.map((t) => byHour.get(t)?.[k] ?? 0);
  // Gauges of the current hour as the brokers last reported them (peaks within the hour).
  const thisHour = byHour.get(buckets[23]!);
  const streams = live.data?.items ?? [];
  const hours = buckets.map((t) => t / 1000);
  const quiet = (usage.data?.hourly ?? []).every((h) => h.msgsIn + h.msgsOut === 0);
  return (
    <section aria-label="Limits and usage">
      <p class="live" role="status">
        Refreshes by itself every few seconds.
      </p>
      {(usage.error || conns.error || live.error) && <Alert>{usage.error || conns.error || live.error}</Alert>}
      {month.data?.quota.overQuota && <Alert>This account is over its monthly quota: its publishers are held until next month or a higher plan.</Alert>}
      <h2 class="meters-title">Connections</h2>
      <div class="meters">
        <Meter label="Connections now" used={clients.length} limit={l.maxConnections ?? -1} fmt={fmtNum} />
        <Meter label="Subscriptions now" used={clients.reduce((s, c) => s + c.subscriptions, 0)} limit={l.maxSubscriptions ?? -1} fmt={fmtNum} />
        <Meter label="Leaf node connections" hint="peak this hour" used={thisHour?.leafNodes ?? 0} limit={l.maxLeafNodes ?? -1} fmt={fmtNum} />
      </div>
      <h2 class="meters-title">This month</h2>
      <div class="meters">
        <Meter label="Messages published" used={month.data?.totals.msgsIn ?? 0} limit={l.monthlyMsgs ?? -1} fmt={fmtNum} />
        <Meter label="Bytes published" used={month.data?.totals.bytesIn ?? 0} limit={l.monthlyBytes ?? -1} fmt={fmtBytes} />
      </div>
      <h2 class="meters-title">JetStream storage</h2>
      {!js ? (
        <p class="muted">JetStream is not part of this account's plan: no streams, consumers or key-value buckets.</p>
      ) : (
        <div class="meters">
          <Meter label="File storage" used={live.data?.storage ?? thisHour?.jsStorage ?? 0} limit={l.jsDiskStorage ?? -1} fmt={fmtBytes} />
          <Meter label="Memory storage" used={live.data?.memory ?? thisHour?.jsMemory ?? 0} limit={l.jsMemoryStorage ?? -1} fmt={fmtBytes} />
          <Meter label="Streams" used={live.data ? streams.length : (thisHour?.jsStreams ?? 0)} limit={l.jsStreams ?? -1} fmt={fmtNum} />
          <Meter
            label="Consumers"
            used={live.data ? streams.reduce((n, x) => n + x.consumerCount, 0) : (thisHour?.jsConsumers ?? 0)}
            limit={l.jsConsumers ?? -1}
            fmt={fmtNum}
          />
        </div>
      )}
      <h2 class="meters-title">Other limits</h2>
      <dl class="limits">
        <dt>Max payload</dt>
        <dd>{fmtBytes(l.maxPayload ?? -1)}</dd>
        <dt>Rate (msgs/s)</dt>
        <dd>{fmtNum(l.rateMsgs ?? -1)}</dd>
        <dt>Rate (bytes/s)</dt>
        <dd>{fmtBytes(l.rateBytes ?? -1)}</dd>
        <dt>Exports / imports</dt>
        <dd>
          {fmtNum(l.maxExports ?? -1)} / {fmtNum(l.maxImports ?? -1)}
        </dd>
      </dl>
      {quiet && (
        <Empty title="No traffic in the last 24 hours">
          Connect a client with a user's .creds file (Users tab); the brokers report its messages here every minute.
        </Empty>
      )}
      {usage.data && (
        <div class="charts">
          <HourlyChart
            title="Messages per hour (last 24 h)"
            hours={hours}
            unit={(n) => fmtNum(Math.round(n))}
            series={[
              { label: 'in', values: series('msgsIn'), color: '#2563eb' },
              { label: 'out', values: series('msgsOut'), color: '#16a34a' },
            ]}
          />
          <HourlyChart
            title="Bytes per hour (last 24 h)"
            hours={hours}
            unit={fmtBytes}
            series={[
              { label: 'in', values: series('bytesIn'), color: '#9333ea' },
              { label: 'out', values: series('bytesOut'), color: '#ea580c' },
            ]}
          />
          {js && (
            <HourlyChart
              title="Stored bytes, peak per hour (last 24 h)"
              hours={hours}
              unit={fmtBytes}
              series={[
                { label: 'file', values: series('jsStorage'), color: '#0d9488' },
                { label: 'memory', values: series('jsMemory'), color: '#db2777' },
              ]}
            />
          )}
          <HourlyChart
            title="Leaf node connections, peak per hour (last 24 h)"
            hours={hours}
            unit={(n) => fmtNum(Math.round(n))}
            series={[{ label: 'leaf nodes', values: series('leafNodes'), color: '#64748b' }]}
          />
        </div>
      )}
    </section>
  );
}

const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);

function Users(props: { account: Account; session: Session }) {
  const a = props.account;
  const users = usePoll(() => api<Page<User>>('GET', `/v1/accounts/${a.id}/users?limit=500`), 0, [a.id]);
  const [name, setName] = useState('');
  const [pub, setPub] = useState('');
  const [sub, setSub] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const [made, setMade] = useState('');
  const f = useForm();
  const revoke = useForm();
  return (
    <section aria-label="Users">
      {users.error && <Alert>{users.error}</Alert>}
      {canWrite(props.session) && (
        <form
          class="inline-form"
          ref={f.ref}
          onSubmit={f.onSubmit(async () => {
            // The key pair is made here; only its public key goes to the server. The seed goes into
            // the downloaded file and nowhere else.
            const kp = createUser();
            const permissions: Record<string, unknown> = {};
            if (pub.trim()) permissions.pub = { allow: list(pub) };
            if (sub.trim()) permissions.sub = { allow: list(sub) };
            const u = await api<User>('POST', `/v1/accounts/${a.id}/users`, {
              name,
              publicKey: kp.getPublicKey(),
              ...(Object.keys(permissions).length ? { permissions } : {}),
              ...(expiresIn.trim() ? { expiresIn: expiresIn.trim() } : {}),
            });
            download(`${name}.creds`, credsFile(u.jwt!, new TextDecoder().decode(kp.getSeed())));
            kp.clear();
            setMade(name);
            setName('');
            users.reload();
          })}
          noValidate
        >
          <h2>New user</h2>
          <p class="hint">The key pair is made in your browser. You download its .creds file once; Switchboard never sees or stores the secret seed.</p>
          {f.error && <Alert>{f.error}</Alert>}
          {made && <Alert kind="ok">{made}.creds downloaded. Keep it safe: it cannot be downloaded again.</Alert>}
          <Field label="User name" name="name" value={name} onInput={setName} error={f.fields.name} hint="For example: billing-service" />
          <Field
            label="May publish to (optional)"
            name="pub"
            value={pub}
            onInput={setPub}
            error={f.fields.permissions}
            hint="Subjects separated by spaces, e.g. orders.> ; empty = anything"
          />
          <Field label="May subscribe to (optional)" name="sub" value={sub} onInput={setSub} hint="Empty = anything" />
          <Field
            label="Expires in (optional)"
            name="expiresIn"
            value={expiresIn}
            onInput={setExpiresIn}
            error={f.fields.expiresIn}
            hint="e.g. 30d or 12h; empty = never"
          />
          <button type="submit" disabled={f.busy}>
            Create user and download .creds
          </button>
        </form>
      )}
      {revoke.error && <Alert>{revoke.error}</Alert>}
      {!users.data ? (
        <Loading />
      ) : users.data.items.length === 0 ? (
        <Empty title="No users yet">
          Create a user above, then connect with its .creds file: <code>nats pub --creds user.creds hello world</code>
        </Empty>
      ) : (
        <Table caption="Users" head={['Name', 'Public key', 'Permissions', 'Expires', 'Status', '']}>
          {users.data.items.map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>
                <code title={u.publicKey}>{short(u.publicKey)}</code>
              </td>
              <td>
                pub: {u.permissions?.pub?.allow?.join(' ') ?? 'any'}
                <br />
                sub: {u.permissions?.sub?.allow?.join(' ') ?? 'any'}
              </td>
              <td>{u.expiresAt ? fmtTime(u.expiresAt) : 'never'}</td>
              <td>{u.revokedAt ? <span class="badge bad">revoked</span> : <span class="badge ok">active</span>}</td>
              <td>
                {!u.revokedAt && isAdmin(props.session) && (
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Revoke ${u.name}`}
                    onClick={() => {
                      if (!confirm(`Revoke ${u.name}? Its connections are closed and it can no longer connect.`)) return;
                      void revoke.run(async () => {
                        await api('POST', `/v1/accounts/${a.id}/users/${u.id}/revoke`);
                        users.reload();
                      });
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function Connections(props: { account: Account }) {
  const conns = usePoll(() => api<{ items: Connection[]; unreachable: string[] }>('GET', `/v1/accounts/${props.account.id}/connections`), 2_000, [
    props.account.id,
  ]);
  return (
    <section aria-label="Connections">
      <p class="live" role="status">
        Live from the brokers, refreshed every 2 seconds.
      </p>
      {conns.error && <Alert>{conns.error}</Alert>}
      {conns.data?.unreachable.length ? <Alert kind="info">Not answering: {conns.data.unreachable.join(', ')}. Their connections are not shown.</Alert> : null}
      {!conns.data ? (
        <Loading />
      ) : conns.data.items.length === 0 ? (
        <Empty title="No clients connected">Connect an application with one of this account's users' .creds files; it shows up here within seconds.</Empty>
      ) : (
        <Table caption="Connections" head={['Client', 'Library', 'Address', 'RTT', 'Subs', 'Msgs in / out', 'Bytes in / out', 'Uptime']}>
          {conns.data.items.map((c) => (
            <tr key={`${c.broker}-${c.cid}`}>
              <td>{c.name || `cid ${c.cid}`}</td>
              <td>
                {c.lang} {c.version}
              </td>
              <td>{c.ip}</td>
              <td>{c.rtt}</td>
              <td>{c.subscriptions}</td>
              <td>
                {fmtNum(c.inMsgs)} / {fmtNum(c.outMsgs)}
              </td>
              <td>
                {fmtBytes(c.inBytes)} / {fmtBytes(c.outBytes)}
              </td>
              <td>{c.uptime}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

interface Export {
  id: string;
  name: string;
  subject: string;
  type: string;
  tokenRequired: boolean;
}
interface Import {
  id: string;
  name: string;
  subject: string;
  account: string;
  type: string;
}

function Sharing(props: { account: Account; session: Session }) {
  const a = props.account;
  const exps = usePoll(() => api<Page<Export>>('GET', `/v1/accounts/${a.id}/exports`), 0, [a.id]);
  const imps = usePoll(() => api<Page<Import>>('GET', `/v1/accounts/${a.id}/imports`), 0, [a.id]);
  const [e, setE] = useState({ name: '', subject: '', type: 'stream', tokenRequired: false });
  const [i, setI] = useState({ name: '', account: '', subject: '', type: 'stream', token: '' });
  const [activation, setActivation] = useState('');
  const fe = useForm();
  const fi = useForm();
  const admin = isAdmin(props.session);
  return (
    <section aria-label="Exports and imports">
      <h2>Exports</h2>
      {!exps.data ? (
        <Loading />
      ) : exps.data.items.length === 0 ? (
        <Empty title="Nothing exported">Export a subject to let other accounts subscribe to it (stream) or call it (service).</Empty>
      ) : (
        <Table caption="Exports" head={['Name', 'Subject', 'Type', 'Access', '']}>
          {exps.data.items.map((x) => (
            <tr key={x.id}>
              <td>{x.name}</td>
              <td>
                <code>{x.subject}</code>
              </td>
              <td>{x.type}</td>
              <td>{x.tokenRequired ? 'with activation token' : 'public'}</td>
              <td>
                {x.tokenRequired && admin && (
                  <button
                    type="button"
                    onClick={() => {
                      const to = prompt('Public key of the importing account (starts with A):');
                      if (!to) return;
                      void fe.run(async () => {
                        const r = await api<{ token: string }>('POST', `/v1/accounts/${a.id}/exports/${x.id}/activations`, { importer: to.trim() });
                        setActivation(r.token);
                      });
                    }}
                  >
                    Activation token…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {activation && (
        <Alert kind="ok">
          Activation token (give it to the importing account): <textarea readOnly aria-label="Activation token" value={activation} rows={3} />
        </Alert>
      )}
      {admin && (
        <form
          class="inline-form"
          ref={fe.ref}
          onSubmit={fe.onSubmit(async () => {
            await api('POST', `/v1/accounts/${a.id}/exports`, e);
            setE({ name: '', subject: '', type: 'stream', tokenRequired: false });
            exps.reload();
          })}
          noValidate
        >
          <h3>New export</h3>
          {fe.error && <Alert>{fe.error}</Alert>}
          <Field label="Export name" name="ename" value={e.name} onInput={(v) => setE({ ...e, name: v })} error={fe.fields.name} />
          <Field label="Subject" name="esubject" value={e.subject} onInput={(v) => setE({ ...e, subject: v })} error={fe.fields.subject} hint="e.g. prices.>" />
          <Select
            label="Type"
            name="etype"
            value={e.type}
            onChange={(v) => setE({ ...e, type: v })}
            options={[
              ['stream', 'Stream (subscribe)'],
              ['service', 'Service (request/reply)'],
            ]}
          />
          <div class="field check">
            <input
              id="f-etoken"
              type="checkbox"
              checked={e.tokenRequired}
              onChange={(ev) => setE({ ...e, tokenRequired: (ev.target as HTMLInputElement).checked })}
            />
            <label for="f-etoken">Private: importers need an activation token</label>
          </div>
          <button type="submit" disabled={fe.busy}>
            Export
          </button>
        </form>
      )}
      <h2>Imports</h2>
      {!imps.data ? (
        <Loading />
      ) : imps.data.items.length === 0 ? (
        <Empty title="Nothing imported">Import another account's export with its public key and subject.</Empty>
      ) : (
        <Table caption="Imports" head={['Name', 'Subject', 'From account', 'Type']}>
          {imps.data.items.map((x) => (
            <tr key={x.id}>
              <td>{x.name}</td>
              <td>
                <code>{x.subject}</code>
              </td>
              <td>
                <code title={x.account}>{short(x.account)}</code>
              </td>
              <td>{x.type}</td>
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <form
          class="inline-form"
          ref={fi.ref}
          onSubmit={fi.onSubmit(async () => {
            await api('POST', `/v1/accounts/${a.id}/imports`, {
              name: i.name,
              account: i.account.trim(),
              subject: i.subject,
              type: i.type,
              ...(i.token.trim() ? { token: i.token.trim() } : {}),
            });
            setI({ name: '', account: '', subject: '', type: 'stream', token: '' });
            imps.reload();
          })}
          noValidate
        >
          <h3>New import</h3>
          {fi.error && <Alert>{fi.error}</Alert>}
          <Field label="Import name" name="iname" value={i.name} onInput={(v) => setI({ ...i, name: v })} error={fi.fields.name} />
          <Field label="Exporting account public key" name="iaccount" value={i.account} onInput={(v) => setI({ ...i, account: v })} error={fi.fields.account} />
          <Field label="Subject" name="isubject" value={i.subject} onInput={(v) => setI({ ...i, subject: v })} error={fi.fields.subject} />
          <Select
            label="Type"
            name="itype"
            value={i.type}
            onChange={(v) => setI({ ...i, type: v })}
            options={[
              ['stream', 'Stream'],
              ['service', 'Service'],
            ]}
          />
          <Field label="Activation token (private exports)" name="itoken" value={i.token} onInput={(v) => setI({ ...i, token: v })} error={fi.fields.token} />
          <button type="submit" disabled={fi.busy}>
            Import
          </button>
        </form>
      )}
    </section>
  );
}
