// The operator's pages: every tenant (search, suspend/resume with a reason), plans (limits, with a
// confirmation naming how many accounts are re-signed), brokers (health from their /varz).
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, type Limits, type Page } from '../api';
import { fmtBytes, fmtNum, fmtTime, short } from '../format';
import { Alert, Empty, Field, Loading, PageTitle, Table, useForm, usePoll } from '../ui';

interface Tenant {
  id: string;
  name: string;
  email: string;
  plan: string;
  status: string;
  createdAt: string;
}

export function Tenants() {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const tenants = usePoll(() => api<Page<Tenant>>('GET', `/v1/tenants?limit=500${search ? `&q=${encodeURIComponent(search)}` : ''}`), 10_000, [search]);
  const [acting, setActing] = useState<Tenant | undefined>();
  const [reason, setReason] = useState('');
  const f = useForm();
  return (
    <>
      <PageTitle sub="Every organization using this service.">Tenants</PageTitle>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(q.trim());
        }}
      >
        <Field label="Search by name or email" name="q" type="search" value={q} onInput={setQ} />
        <button type="submit">Search</button>
      </form>
      {tenants.error && <Alert>{tenants.error}</Alert>}
      {acting && (
        <form
          class="inline-form confirm"
          ref={f.ref}
          onSubmit={f.onSubmit(async () => {
            await api('PATCH', `/v1/tenants/${acting.id}`, {
              status: acting.status === 'active' ? 'suspended' : 'active',
              ...(reason.trim() ? { reason: reason.trim() } : {}),
            });
            setActing(undefined);
            setReason('');
            tenants.reload();
          })}
          noValidate
        >
          <h2>{acting.status === 'active' ? `Suspend ${acting.name}?` : `Resume ${acting.name}?`}</h2>
          <p>
            {acting.status === 'active'
              ? 'All its clients are disconnected and refused, and its people cannot use the console or API until you resume it.'
              : 'Its users can connect again.'}
          </p>
          {f.error && <Alert>{f.error}</Alert>}
          <Field label="Reason (kept in the audit log)" name="reason" value={reason} onInput={setReason} />
          <div class="actions">
            <button type="submit" class={acting.status === 'active' ? 'danger' : 'primary'} disabled={f.busy}>
              {acting.status === 'active' ? 'Suspend' : 'Resume'}
            </button>
            <button type="button" onClick={() => setActing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {!tenants.data ? (
        <Loading />
      ) : tenants.data.items.length === 0 ? (
        <Empty title={search ? `No tenant matches "${search}"` : 'No tenants yet'}>
          {search ? 'Try part of the name or the email domain.' : 'Tenants appear here when someone signs up.'}
        </Empty>
      ) : (
        <Table caption="Tenants" head={['Name', 'Email', 'Plan', 'Status', 'Created', '']}>
          {tenants.data.items.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.email}</td>
              <td>{t.plan}</td>
              <td>
                <span class={`badge ${t.status === 'active' ? 'ok' : 'bad'}`}>{t.status}</span>
              </td>
              <td>{fmtTime(t.createdAt)}</td>
              <td>
                <button
                  type="button"
                  class={t.status === 'active' ? 'danger' : ''}
                  aria-label={`${t.status === 'active' ? 'Suspend' : 'Resume'} ${t.name}`}
                  onClick={() => setActing(t)}
                >
                  {t.status === 'active' ? 'Suspend…' : 'Resume…'}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

interface Plan {
  id: string;
  name: string;
  limits: Limits;
  maxAccounts: number;
}

type Editable = [key: string, label: string, fmt: (n: number) => string];

/** The plan limits an operator edits here, in the groups the page shows them in. */
const GROUPS: Array<[title: string, fields: Editable[]]> = [
  [
    'Clients',
    [
      ['maxConnections', 'Connections', fmtNum],
      ['maxSubscriptions', 'Subscriptions', fmtNum],
      ['maxLeafNodes', 'Leaf node connections', fmtNum],
    ],
  ],
  [
    'Traffic',
    [
      ['maxPayload', 'Max payload (bytes)', fmtBytes],
      ['rateMsgs', 'Messages per second', fmtNum],
      ['monthlyMsgs', 'Messages per month', fmtNum],
      ['monthlyBytes', 'Bytes per month', fmtBytes],
    ],
  ],
  [
    // JetStream is on for an account when memory or storage is not 0.
    'JetStream',
    [
      ['jsMemoryStorage', 'JetStream memory (bytes)', fmtBytes],
      ['jsDiskStorage', 'JetStream storage (bytes)', fmtBytes],
      ['jsStreams', 'Streams', fmtNum],
      ['jsConsumers', 'Consumers', fmtNum],
    ],
  ],
];
const EDITABLE: Editable[] = GROUPS.flatMap(([, f]) => f);
/** A limit as read: JetStream's all say "off" while the plan gives no JetStream storage. */
const shown = (l: Limits, k: string, fmt: (n: number) => string) =>
  k.startsWith('js') && !(l.jsMemoryStorage ?? 0) && !(l.jsDiskStorage ?? 0) ? 'off' : fmt(l[k] ?? -1);

export function Plans() {
  const plans = usePoll(() => api<Page<Plan>>('GET', '/v1/plans?limit=500'), 0);
  const [editing, setEditing] = useState<Plan | undefined>();
  const [values, setValues] = useState<Record<string, string>>({});
  const [impact, setImpact] = useState<{ tenants: number; accounts: number } | undefined>();
  const [done, setDone] = useState('');
  const f = useForm();
  const edit = (p: Plan) => {
    setEditing(p);
    setImpact(undefined);
    setDone('');
    setValues(Object.fromEntries(EDITABLE.map(([k]) => [k, String(p.limits[k] ?? -1)])));
  };
  const changed = () => Object.fromEntries(EDITABLE.filter(([k]) => values[k] !== String(editing?.limits[k] ?? -1)).map(([k]) => [k, Number(values[k])]));
  return (
    <>
      <PageTitle sub="Limits every tenant on a plan gets; -1 means unlimited.">Plans</PageTitle>
      {done && <Alert kind="ok">{done}</Alert>}
      {!plans.data ? (
        <Loading />
      ) : (
        <div class="plans">
          {plans.data.items.map((p) => (
            <article key={p.id} class="card-block plan" aria-label={`Plan ${p.name}`}>
              <header class="card-head">
                <h2>{p.name}</h2>
                <span class="muted">{p.maxAccounts < 0 ? 'any number of accounts' : `up to ${fmtNum(p.maxAccounts)} accounts per tenant`}</span>
                <button type="button" class="push-right" aria-label={`Edit plan ${p.name}`} onClick={() => edit(p)}>
                  Edit
                </button>
              </header>
              <div class="plan-groups">
                {GROUPS.map(([title, fields]) => (
                  <dl key={title} class="limits plan-group">
                    <dt class="group-title">{title}</dt>
                    <dd />
                    {fields.map(([k, label, fmt]) => (
                      <Fragment key={k}>
                        <dt>{label.replace(/ \(bytes\)$/, '')}</dt>
                        <dd>{shown(p.limits, k, fmt)}</dd>
                      </Fragment>
                    ))}
                  </dl>
                ))}
              </div>
            </article>
          ))}
        </div>
      )}
      {editing && (
        <form
          class="inline-form"
          ref={f.ref}
          onSubmit={f.onSubmit(async () => {
            if (!impact) {
              const bad = EDITABLE.find(([k]) => !/^-?\d+$/.test(values[k] ?? ''));
              if (bad) throw new ApiError(400, 'Please fix the fields marked below.', { [bad[0]]: 'Enter a whole number, or -1 for unlimited.' });
              setImpact(await api('GET', `/v1/plans/${editing.id}/impact`));
              return;
            }
            const r = await api<{ accountsChanged: number }>('PATCH', `/v1/plans/${editing.id}`, { limits: changed() });
            setDone(`Plan ${editing.name} saved: ${r.accountsChanged} account${r.accountsChanged === 1 ? '' : 's'} re-signed and pushed to the brokers.`);
            setEditing(undefined);
            setImpact(undefined);
            plans.reload();
          })}
          noValidate
        >
          <h2>Edit plan {editing.name}</h2>
          {f.error && <Alert>{f.error}</Alert>}
          {GROUPS.map(([title, fields]) => (
            <fieldset key={title} class="group">
              <legend>{title}</legend>
              {fields.map(([k, label]) => (
                <Field
                  key={k}
                  label={label}
                  name={k}
                  value={values[k] ?? ''}
                  onInput={(v) => {
                    setValues({ ...values, [k]: v });
                    setImpact(undefined);
                  }}
                  error={f.fields[k]}
                />
              ))}
            </fieldset>
          ))}
          {impact && (
            <Alert kind="info">
              This changes {impact.accounts} account{impact.accounts === 1 ? '' : 's'} of {impact.tenants} tenant{impact.tenants === 1 ? '' : 's'}: they are
              re-signed and pushed to every broker at once.
            </Alert>
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={f.busy || Object.keys(changed()).length === 0}>
              {impact ? `Yes, change ${impact.accounts} account${impact.accounts === 1 ? '' : 's'}` : 'Review change'}
            </button>
            <button type="button" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </>
  );
}

interface BrokerStatus {
  id: string;
  name: string;
  url: string;
  health: 'ok' | 'down' | 'unmonitored';
  error?: string;
  version?: string;
  uptime?: string;
  connections?: number;
  subscriptions?: number;
  inMsgs?: number;
  outMsgs?: number;
  slowConsumers?: number;
}

export function Brokers() {
  const brokers = usePoll(() => api<{ items: BrokerStatus[] }>('GET', '/v1/brokers/status'), 5_000);
  return (
    <>
      <PageTitle sub="From each broker's monitoring endpoint, refreshed every 5 seconds.">Brokers</PageTitle>
      {brokers.error && <Alert>{brokers.error}</Alert>}
      {!brokers.data ? (
        <Loading />
      ) : brokers.data.items.length === 0 ? (
        <Empty title="No brokers registered">
          Register a broker with <code>POST /v1/brokers</code> (name, nats:// URL and monitoring URL) so account changes reach it.
        </Empty>
      ) : (
        <Table caption="Brokers" head={['Name', 'URL', 'Health', 'Version', 'Uptime', 'Connections', 'Subs', 'Msgs in / out', 'Slow consumers']}>
          {brokers.data.items.map((b) => (
            <tr key={b.id}>
              <td>{b.name}</td>
              <td>
                <code>{b.url}</code>
              </td>
              <td>
                <span class={`badge ${b.health === 'ok' ? 'ok' : b.health === 'down' ? 'bad' : ''}`} title={b.error}>
                  {b.health === 'down' ? `down (${b.error})` : b.health}
                </span>
              </td>
              <td>{b.version ?? '—'}</td>
              <td>{b.uptime ?? '—'}</td>
              <td>{b.connections ?? '—'}</td>
              <td>{b.subscriptions ?? '—'}</td>
              <td>{b.inMsgs !== undefined ? `${fmtNum(b.inMsgs)} / ${fmtNum(b.outMsgs ?? 0)}` : '—'}</td>
              <td>{b.slowConsumers ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

interface QueueStatus {
  waiting: number;
  active: number;
  retrying: number;
  deadLetters: Array<{ account: string; reason: string; attempts: number; failedAt: string; accountName: string | null; tenant: string | null }>;
}

export function Propagation() {
  const q = usePoll(() => api<QueueStatus>('GET', '/v1/propagation'), 3_000);
  const [done, setDone] = useState('');
  const f = useForm();
  return (
    <>
      <PageTitle sub="Account changes on their way to the brokers, refreshed every 3 seconds.">Propagation queue</PageTitle>
      {q.error && <Alert>{q.error}</Alert>}
      {done && <Alert kind="ok">{done}</Alert>}
      {f.error && <Alert>{f.error}</Alert>}
      {!q.data ? (
        <Loading />
      ) : (
        <>
          <dl class="limits">
            <dt>Waiting</dt>
            <dd>{q.data.waiting}</dd>
            <dt>Being pushed</dt>
            <dd>{q.data.active}</dd>
            <dt>Failed, retrying</dt>
            <dd>{q.data.retrying}</dd>
            <dt>Dead letters</dt>
            <dd>{q.data.deadLetters.length}</dd>
          </dl>
          <h2>Dead letters</h2>
          {q.data.deadLetters.length === 0 ? (
            <Empty title="No dead letters">Every account change reached every broker, or is still being retried.</Empty>
          ) : (
            <>
              <Table caption="Dead letters" head={['Tenant', 'Account', 'Reason', 'Attempts', 'Failed at']}>
                {q.data.deadLetters.map((d) => (
                  <tr key={`${d.account}-${d.failedAt}`}>
                    <td>{d.tenant ?? '—'}</td>
                    <td>{d.accountName ?? <code>{short(d.account)}</code>}</td>
                    <td>{d.reason}</td>
                    <td>{d.attempts}</td>
                    <td>{fmtTime(d.failedAt)}</td>
                  </tr>
                ))}
              </Table>
              <button
                type="button"
                class="primary"
                disabled={f.busy}
                onClick={() =>
                  void f.run(async () => {
                    const r = await api<{ replayed: number }>('POST', '/v1/propagation/replay');
                    setDone(`${r.replayed} account${r.replayed === 1 ? '' : 's'} queued again.`);
                    q.reload();
                  })
                }
              >
                Replay all dead letters
              </button>
            </>
          )}
        </>
      )}
    </>
  );
}
