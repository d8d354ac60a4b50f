// API tokens for the CLI, members and invite links, and the audit log.
import { useState } from 'preact/hooks';
import { api, type Page, type Session } from '../api';
import { fmtTime } from '../format';
import { Alert, Empty, Field, Loading, PageTitle, Select, Table, useForm, usePoll } from '../ui';

interface Token {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const ROLE_NAMES: Record<string, string> = { tenant_admin: 'admin', tenant_member: 'member', tenant_viewer: 'viewer' };

export function Tokens() {
  const tokens = usePoll(() => api<Page<Token>>('GET', '/v1/tokens?limit=500'), 0);
  const [name, setName] = useState('');
  const [role, setRole] = useState('tenant_member');
  const [shown, setShown] = useState('');
  const f = useForm();
  return (
    <>
      <PageTitle sub="Tokens let the switchboard CLI and your scripts use the API. A token is shown once, when it is made.">API tokens</PageTitle>
      <form
        class="inline-form"
        ref={f.ref}
        onSubmit={f.onSubmit(async () => {
          const t = await api<{ token: string }>('POST', '/v1/tokens', { name, role });
          setShown(t.token);
          setName('');
          tokens.reload();
        })}
        noValidate
      >
        <h2>New token</h2>
        {f.error && <Alert>{f.error}</Alert>}
        <Field label="Token name" name="name" value={name} onInput={setName} error={f.fields.name} hint="Where it is used, e.g. ci-deploy" />
        <Select
          label="Role"
          name="role"
          value={role}
          onChange={setRole}
          options={[
            ['tenant_admin', 'Admin'],
            ['tenant_member', 'Member'],
            ['tenant_viewer', 'Viewer (read only)'],
          ]}
        />
        <button type="submit" disabled={f.busy}>
          Create token
        </button>
      </form>
      {shown && (
        <Alert kind="ok">
          <p>Copy this token now: it will not be shown again.</p>
          <textarea readOnly aria-label="New API token" rows={3} value={shown} onFocus={(e) => (e.target as HTMLTextAreaElement).select()} />
          <p>
            <code>switchboard login --token-file token.txt</code>
          </p>
        </Alert>
      )}
      {tokens.error && <Alert>{tokens.error}</Alert>}
      {!tokens.data ? (
        <Loading />
      ) : tokens.data.items.length === 0 ? (
        <Empty title="No API tokens">Create one above to use the CLI.</Empty>
      ) : (
        <Table caption="API tokens" head={['Name', 'Role', 'Created', 'Expires', 'Status', '']}>
          {tokens.data.items.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{ROLE_NAMES[t.role] ?? t.role}</td>
              <td>{fmtTime(t.createdAt)}</td>
              <td>{t.expiresAt ? fmtTime(t.expiresAt) : 'never'}</td>
              <td>{t.revokedAt ? <span class="badge bad">revoked</span> : <span class="badge ok">active</span>}</td>
              <td>
                {!t.revokedAt && (
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Revoke token ${t.name}`}
                    onClick={() =>
                      confirm(`Revoke ${t.name}? Scripts using it stop working.`) &&
                      void f.run(async () => {
                        await api('DELETE', `/v1/tokens/${t.id}`);
                        tokens.reload();
                      })
                    }
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

interface Member {
  id: string;
  email: string;
  role: string;
  canSignIn: boolean;
  createdAt: string;
}
interface Invite {
  id: string;
  email: string | null;
  role: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export function Members(props: { session: Session }) {
  const admin = props.session.role === 'tenant_admin';
  const members = usePoll(() => api<Page<Member>>('GET', '/v1/members?limit=500'), 0);
  const invites = usePoll(() => (admin ? api<Page<Invite>>('GET', '/v1/invites?limit=500') : Promise.resolve({ items: [], total: 0 })), 0);
  const [role, setRole] = useState('member');
  const [email, setEmail] = useState('');
  const [link, setLink] = useState('');
  const f = useForm();
  const change = useForm();
  return (
    <>
      <PageTitle sub="Admins manage the organization, members work with accounts and users, viewers only look.">Members</PageTitle>
      {change.error && <Alert>{change.error}</Alert>}
      {!members.data ? (
        <Loading />
      ) : (
        <Table caption="Members" head={['Email', 'Role', 'Joined', '']}>
          {members.data.items.map((m) => (
            <tr key={m.id}>
              <td>{m.email}</td>
              <td>
                {admin ? (
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(e) =>
                      void change.run(async () => {
                        await api('PATCH', `/v1/members/${m.id}`, { role: (e.target as HTMLSelectElement).value });
                        members.reload();
                      })
                    }
                  >
                    {['owner', 'admin', 'member', 'viewer'].map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                ) : (
                  m.role
                )}
              </td>
              <td>{fmtTime(m.createdAt)}</td>
              <td>
                {admin && m.email !== props.session.email && (
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Remove ${m.email}`}
                    onClick={() =>
                      confirm(`Remove ${m.email} from the organization? They are signed out at once.`) &&
                      void change.run(async () => {
                        await api('DELETE', `/v1/members/${m.id}`);
                        members.reload();
                      })
                    }
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <>
          <form
            class="inline-form"
            ref={f.ref}
            onSubmit={f.onSubmit(async () => {
              const i = await api<{ token: string }>('POST', '/v1/invites', { role, ...(email.trim() ? { email: email.trim() } : {}) });
              setLink(`${location.origin}${location.pathname}#/invite/${i.token}`);
              setEmail('');
              invites.reload();
            })}
            noValidate
          >
            <h2>Invite someone</h2>
            {f.error && <Alert>{f.error}</Alert>}
            <Select
              label="Role"
              name="role"
              value={role}
              onChange={setRole}
              options={[
                ['admin', 'Admin'],
                ['member', 'Member'],
                ['viewer', 'Viewer'],
              ]}
            />
            <Field
              label="Their email (optional)"
              name="email"
              type="email"
              value={email}
              onInput={setEmail}
              error={f.fields.email}
              hint="If given, only this email can use the link."
            />
            <button type="submit" disabled={f.busy}>
              Create invite link
            </button>
          </form>
          {link && (
            <Alert kind="ok">
              <p>Send this link to the person you invite (valid 3 days, once). It is shown only now.</p>
              <textarea readOnly aria-label="Invite link" rows={2} value={link} onFocus={(e) => (e.target as HTMLTextAreaElement).select()} />
            </Alert>
          )}
          <h2>Open invites</h2>
          {!invites.data ? (
            <Loading />
          ) : invites.data.items.filter((i) => !i.acceptedAt && !i.revokedAt).length === 0 ? (
            <Empty title="No open invites">Create an invite link above and send it to a teammate.</Empty>
          ) : (
            <Table caption="Open invites" head={['For', 'Role', 'Expires', '']}>
              {invites.data.items
                .filter((i) => !i.acceptedAt && !i.revokedAt)
                .map((i) => (
                  <tr key={i.id}>
                    <td>{i.email ?? 'anyone with the link'}</td>
                    <td>{i.role}</td>
                    <td>{fmtTime(i.expiresAt)}</td>
                    <td>
                      <button
                        type="button"
                        class="danger"
                        onClick={() =>
                          void change.run(async () => {
                            await api('DELETE', `/v1/invites/${i.id}`);
                            invites.reload();
                          })
                        }
                      >
                        Cancel
                      </button>
                    </td>
                  </tr>
                ))}
            </Table>
          )}
        </>
      )}
    </>
  );
}

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  tenantId: string | null;
  details: unknown;
}

export function Audit(props: { operator: boolean }) {
  const [limit, setLimit] = useState(50);
  const log = usePoll(() => api<Page<AuditEntry>>('GET', `/v1/audit?limit=${limit}`), 10_000, [limit]);
  return (
    <>
      <PageTitle sub={props.operator ? 'Every change in every tenant, newest first.' : 'Every change in your organization, newest first.'}>Audit log</PageTitle>
      {log.error && <Alert>{log.error}</Alert>}
      {!log.data ? (
        <Loading />
      ) : log.data.items.length === 0 ? (
        <Empty title="Nothing recorded yet">Changes appear here as soon as anyone makes them.</Empty>
      ) : (
        <>
          <Table
            caption="Audit log"
            head={props.operator ? ['When', 'Tenant', 'Who', 'What', 'Target', 'Details'] : ['When', 'Who', 'What', 'Target', 'Details']}
          >
            {log.data.items.map((e) => (
              <tr key={e.id}>
                <td>{fmtTime(e.at)}</td>
                {props.operator && (
                  <td>
                    <code>{e.tenantId?.slice(0, 8) ?? '—'}</code>
                  </td>
                )}
                <td>
                  <code>{e.actor}</code>
                </td>
                <td>{e.action}</td>
                <td>
                  <code>{e.target ?? ''}</code>
                </td>
                <td class="details">{e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
              </tr>
            ))}
          </Table>
          {log.data.total > log.data.items.length && (
            <button type="button" onClick={() => setLimit(Math.min(500, limit + 50))}>
              Show more
            </button>
          )}
        </>
      )}
    </>
  );
}
