// The console: loads the session, then routes by #hash. Signed out → sign in/up pages; a tenant's
// people get their organization's pages; an operator gets every tenant's.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from './api';
import { AccountDetail, Accounts } from './pages/accounts';
import { AcceptInvite, OperatorSetup, SignIn, SignUp } from './pages/auth';
import { Brokers, Plans, Propagation, Tenants } from './pages/operator';
import { Audit, Members, Tokens } from './pages/team';
import { go, useRoute } from './router';
import { Loading } from './ui';
import './style.css';

function App() {
  const path = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const load = () => api<Session>('GET', '/v1/session').then(setSession, () => setSession(null));
  useEffect(() => {
    void load();
    const out = () => setSession(null);
    window.addEventListener('sb:signed-out', out);
    return () => window.removeEventListener('sb:signed-out', out);
  }, []);

  const invite = /^\/invite\/([\w-]+)$/.exec(path);
  if (invite) return <AcceptInvite token={invite[1]!} onSignedIn={load} />;
  if (path === '/operator-setup') return <OperatorSetup />;
  if (session === undefined) return <Loading />;
  if (session === null) return path === '/signup' ? <SignUp onSignedIn={load} /> : <SignIn onSignedIn={load} />;

  const home = session.operator ? '/op/tenants' : '/accounts';
  if (path === '/' || path === '/signin' || path === '/signup') {
    go(home);
    return <Loading />;
  }
  const links: Array<[string, string]> = session.operator
    ? [
        ['/op/tenants', 'Tenants'],
        ['/op/plans', 'Plans'],
        ['/op/brokers', 'Brokers'],
        ['/op/propagation', 'Queue'],
        ['/audit', 'Audit log'],
      ]
    : [
        ['/accounts', 'Accounts'],
        ['/members', 'Members'],
        ...(session.role === 'tenant_admin'
          ? ([
              ['/tokens', 'API tokens'],
              ['/audit', 'Audit log'],
            ] as Array<[string, string]>)
          : []),
      ];
  const account = /^\/accounts\/([0-9a-f-]{36})(?:\/(\w+))?$/.exec(path);
  let page;
  if (account) page = <AccountDetail session={session} id={account[1]!} tab={account[2] ?? 'overview'} />;
  else if (path === '/accounts') page = <Accounts session={session} />;
  else if (path === '/members') page = <Members session={session} />;
  else if (path === '/tokens') page = <Tokens />;
  else if (path === '/audit') page = <Audit operator={session.operator} />;
  else if (path === '/op/tenants') page = <Tenants />;
  else if (path === '/op/plans') page = <Plans />;
  else if (path === '/op/brokers') page = <Brokers />;
  else if (path === '/op/propagation') page = <Propagation />;
  else
    page = (
      <p>
        This page does not exist. <a href={`#${home}`}>Go to the start page</a>.
      </p>
    );

  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Switchboard</span>
        {session.operator ? (
          <span class="org">Operator</span>
        ) : session.memberships.length > 1 ? (
          <label class="org">
            <span class="sr-only">Organization</span>
            <select
              value={session.tenant?.id}
              onChange={(e) =>
                void api('POST', '/v1/session/tenant', { tenantId: (e.target as HTMLSelectElement).value })
                  .then(load)
                  .then(() => go('/accounts'))
              }
            >
              {session.memberships.map((m) => (
                <option key={m.tenantId} value={m.tenantId}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span class="org">{session.tenant?.name}</span>
        )}
        <nav aria-label="Main">
          {links.map(([href, label]) => (
            <a key={href} href={`#${href}`} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">{session.email}</span>
        <button
          type="button"
          class="link"
          onClick={() =>
            void api('DELETE', '/v1/session').finally(() => {
              setSession(null);
              go('/signin');
            })
          }
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
