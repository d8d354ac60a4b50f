// An account's JetStream: streams with their consumers (live from the brokers' /jsz through the
// control plane) and KV buckets with a key browser (keys and values read by the control plane with
// a one-minute read-only user of the account).
import { useState } from 'preact/hooks';
import { api, type Account, type Bucket, type KvKey, type Stream, type Streams } from '../api';
import { fmtAgo, fmtBytes, fmtNum, fmtTime } from '../format';
import { Alert, Cell, Empty, Loading, Table, usePoll } from '../ui';

export const jetStreamOn = (a: Account) => (a.limits.jsMemoryStorage ?? 0) !== 0 || (a.limits.jsDiskStorage ?? 0) !== 0;

function JetStreamOff() {
  return (
    <Empty title="JetStream is not part of this account's plan">
      Streams, consumers and key-value buckets need a plan with JetStream storage. Ask the operator of this service for one.
    </Empty>
  );
}

function Stat(props: { label: string; value: string; title?: string }) {
  return (
    <div class="stat">
      <dt>{props.label}</dt>
      <dd title={props.title}>{props.value}</dd>
    </div>
  );
}

const limitsText = (s: Stream) =>
  s.maxMsgs < 0 && s.maxBytes < 0
    ? 'no limit'
    : [s.maxMsgs >= 0 ? `${fmtNum(s.maxMsgs)} msgs` : '', s.maxBytes >= 0 ? fmtBytes(s.maxBytes) : ''].filter(Boolean).join(', ');

function StreamCard(props: { s: Stream; brokers: number }) {
  const s = props.s;
  return (
    <article class="card-block" aria-label={`Stream ${s.name}`}>
      <header class="card-head">
        <h3>{s.name}</h3>
        <span class="badge">{s.storage === 'memory' ? 'memory' : 'file'}</span>
        {s.name.startsWith('KV_') && <span class="badge">key-value bucket</span>}
        {props.brokers > 1 && <span class="muted">on {s.broker}</span>}
      </header>
      <p class="subjects">
        {s.subjects.length ? s.subjects.map((x) => <code key={x}>{x}</code>) : <span class="muted">no subjects (filled by mirror or sources)</span>}
      </p>
      <dl class="stats">
        <Stat label="Messages" value={fmtNum(s.messages)} />
        <Stat label="Size" value={fmtBytes(s.bytes)} />
        <Stat label="First seq" value={s.messages ? fmtNum(s.firstSeq) : '—'} />
        <Stat label="Last seq" value={s.lastSeq ? fmtNum(s.lastSeq) : '—'} />
        <Stat label="Last message" value={fmtAgo(s.lastTs)} title={s.lastTs ? fmtTime(s.lastTs) : undefined} />
        <Stat label="Kept up to" value={limitsText(s)} />
      </dl>
      {s.consumers.length === 0 ? (
        <p class="muted">No consumers read this stream yet.</p>
      ) : (
        <Table
          caption={`Consumers of ${s.name}`}
          head={['Consumer', 'Kind', 'Pending', 'Ack pending', 'Redelivered', 'Lag', 'Delivered up to', 'Last active']}
          numeric={[2, 3, 4, 5, 6]}
          stack
        >
          {s.consumers.map((c) => (
            <tr key={c.name}>
              <Cell label="Consumer">
                <strong>{c.name}</strong>
                {c.filterSubject && (
                  <>
                    {' '}
                    <code>{c.filterSubject}</code>
                  </>
                )}
              </Cell>
              <Cell label="Kind">
                {c.durable ? 'durable' : 'ephemeral'}, ack {c.ackPolicy}
              </Cell>
              <Cell label="Pending" num>
                {fmtNum(c.numPending)}
              </Cell>
              <Cell label="Ack pending" num>
                {fmtNum(c.numAckPending)}
              </Cell>
              <Cell label="Redelivered" num>
                {fmtNum(c.numRedelivered)}
              </Cell>
              <Cell label="Lag" num>
                <span class={`badge${c.lag > 0 ? ' warn' : ' ok'}`}>{fmtNum(c.lag)}</span>
              </Cell>
              <Cell label="Delivered up to" num>
                {c.deliveredStreamSeq ? `seq ${fmtNum(c.deliveredStreamSeq)}` : '—'}
              </Cell>
              <Cell label="Last active">{fmtAgo(c.lastActive)}</Cell>
            </tr>
          ))}
        </Table>
      )}
    </article>
  );
}

export function StreamsTab(props: { account: Account }) {
  const a = props.account;
  const streams = usePoll(() => api<Streams>('GET', `/v1/accounts/${a.id}/streams`), 3_000, [a.id]);
  if (!jetStreamOn(a)) return <JetStreamOff />;
  const d = streams.data;
  const brokers = new Set(d?.items.map((s) => s.broker)).size;
  return (
    <section aria-label="Streams">
      <p class="live" role="status">
        Live from the brokers, refreshed every 3 seconds. Lag is what a consumer has not finished: pending plus unacknowledged.
      </p>
      {streams.error && <Alert>{streams.error}</Alert>}
      {d?.unreachable.length ? <Alert kind="info">Not answering: {d.unreachable.join(', ')}. Their streams are not shown.</Alert> : null}
      {!d ? (
        <Loading />
      ) : d.items.length === 0 ? (
        <Empty title="No streams yet">
          A stream stores the messages published to its subjects. Create one from your application, for example with nats.js:
          <br />
          <code>jsm.streams.add(&#123; name: "ORDERS", subjects: ["orders.&gt;"] &#125;)</code>
        </Empty>
      ) : (
        d.items.map((s) => <StreamCard key={`${s.broker}/${s.name}`} s={s} brokers={brokers} />)
      )}
    </section>
  );
}

function ValueView(props: { k: KvKey }) {
  const c = props.k.current;
  const deleted = c.operation !== 'PUT';
  return (
    <section class="kv-value" aria-label={`Key ${props.k.key}`}>
      <h3>
        <code>{props.k.key}</code>
      </h3>
      <dl class="stats">
        <Stat label="Revision" value={fmtNum(c.revision)} />
        <Stat label="Written" value={fmtAgo(c.created)} title={fmtTime(c.created)} />
        <Stat label="Size" value={fmtBytes(c.length)} />
        <Stat label="Versions kept" value={fmtNum(props.k.history.length)} />
      </dl>
      {deleted ? (
        <Alert kind="info">
          This key was {c.operation === 'PURGE' ? 'purged' : 'deleted'} at revision {c.revision}.
        </Alert>
      ) : (
        <>
          <p class="muted">{c.encoding === 'utf8' ? 'Value' : 'Value (binary, shown as base64)'}</p>
          <pre class="value" tabIndex={0} aria-label="Value">
            {c.value}
          </pre>
        </>
      )}
      {props.k.history.length > 1 && (
        <Table caption={`History of ${props.k.key}`} head={['Revision', 'Operation', 'Written', 'Value']} numeric={[0]} stack>
          {[...props.k.history].reverse().map((e) => (
            <tr key={e.revision}>
              <Cell label="Revision" num>
                {e.revision}
              </Cell>
              <Cell label="Operation">{e.operation}</Cell>
              <Cell label="Written">{fmtTime(e.created)}</Cell>
              <Cell label="Value" class="clip">
                {e.operation === 'PUT' ? <code>{e.value.length > 80 ? `${e.value.slice(0, 80)}…` : e.value}</code> : '—'}
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function BucketBrowser(props: { account: Account; bucket: Bucket }) {
  const a = props.account;
  const b = props.bucket;
  const keys = usePoll(() => api<{ items: string[]; truncated: boolean }>('GET', `/v1/accounts/${a.id}/kv/${b.bucket}/keys`), 0, [a.id, b.bucket, b.values]);
  const [key, setKey] = useState('');
  const [filter, setFilter] = useState('');
  const value = usePoll(
    () => (key ? api<KvKey>('GET', `/v1/accounts/${a.id}/kv/${b.bucket}/keys/${encodeURIComponent(key)}`) : Promise.resolve(undefined)),
    0,
    [a.id, b.bucket, key, b.values],
  );
  const shown = (keys.data?.items ?? []).filter((k) => k.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div class="kv-browser">
      <div class="kv-keys">
        <h3>Keys in {b.bucket}</h3>
        {keys.error && <Alert>{keys.error}</Alert>}
        {!keys.data ? (
          <Loading />
        ) : keys.data.items.length === 0 ? (
          <Empty title="This bucket is empty">
            Put a key with nats.js: <code>kv.put("greeting", "hello")</code>
          </Empty>
        ) : (
          <>
            <div class="field">
              <label for="f-kvfilter">Filter keys</label>
              <input id="f-kvfilter" type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
            </div>
            <ul class="key-list" aria-label={`Keys in ${b.bucket}`}>
              {shown.map((k) => (
                <li key={k}>
                  <button type="button" class={`key${k === key ? ' selected' : ''}`} aria-pressed={k === key} onClick={() => setKey(k)}>
                    {k}
                  </button>
                </li>
              ))}
            </ul>
            {shown.length === 0 && <p class="muted">No key matches “{filter}”.</p>}
            {keys.data.truncated && <p class="muted">Showing the first 1,000 keys.</p>}
          </>
        )}
      </div>
      <div class="kv-detail">
        {value.error && <Alert>{value.error}</Alert>}
        {!key ? (
          <p class="muted pick">Choose a key to see its value, revision and history.</p>
        ) : value.data?.key !== key ? (
          <Loading />
        ) : (
          <ValueView k={value.data} />
        )}
      </div>
    </div>
  );
}

export function KeyValueTab(props: { account: Account }) {
  const a = props.account;
  const buckets = usePoll(() => api<{ items: Bucket[]; unreachable: string[] }>('GET', `/v1/accounts/${a.id}/kv`), 5_000, [a.id]);
  const [open, setOpen] = useState('');
  if (!jetStreamOn(a)) return <JetStreamOff />;
  const d = buckets.data;
  const current = d?.items.find((b) => b.bucket === open) ?? (d?.items.length === 1 ? d.items[0] : undefined);
  return (
    <section aria-label="Key-value buckets">
      {buckets.error && <Alert>{buckets.error}</Alert>}
      {d?.unreachable.length ? <Alert kind="info">Not answering: {d.unreachable.join(', ')}. Their buckets are not shown.</Alert> : null}
      {!d ? (
        <Loading />
      ) : d.items.length === 0 ? (
        <Empty title="No key-value buckets yet">
          A bucket keeps the latest value of each key, with history. Create one from your application, for example with nats.js:
          <br />
          <code>await new Kvm(nc).create("config")</code>
        </Empty>
      ) : (
        <>
          <Table caption="Buckets" head={['Bucket', 'Values', 'Size', 'History', 'Expiry', 'Storage', '']} numeric={[1, 2, 3]} stack>
            {d.items.map((b) => {
              const shown = current?.bucket === b.bucket;
              return (
                <tr key={`${b.broker}/${b.bucket}`} class={shown ? 'selected' : undefined}>
                  <Cell label="Bucket">
                    <strong>{b.bucket}</strong>
                  </Cell>
                  <Cell label="Values" num>
                    {fmtNum(b.values)}
                  </Cell>
                  <Cell label="Size" num>
                    {fmtBytes(b.bytes)}
                  </Cell>
                  <Cell label="History" num>
                    {b.history}
                  </Cell>
                  <Cell label="Expiry">{b.ttlSeconds ? `${fmtNum(b.ttlSeconds)} s` : 'never'}</Cell>
                  <Cell label="Storage">{b.storage}</Cell>
                  <Cell label="">
                    {shown ? (
                      <span class="badge ok">browsing</span>
                    ) : (
                      <button type="button" aria-label={`Browse ${b.bucket}`} onClick={() => setOpen(b.bucket)}>
                        Browse
                      </button>
                    )}
                  </Cell>
                </tr>
              );
            })}
          </Table>
          {current ? <BucketBrowser key={current.bucket} account={a} bucket={current} /> : <p class="muted">Choose a bucket to browse its keys.</p>}
        </>
      )}
    </section>
  );
}
