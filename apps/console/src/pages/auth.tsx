// Sign in, sign up, accept an invite, and the operator's first sign-in set up with the admin token.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { go } from '../router';
import { Alert, Field, PageTitle, useForm } from '../ui';

function Card(props: { title: string; sub?: string; children: preact.ComponentChildren }) {
  return (
    <main class="auth">
      <p class="brand">Switchboard</p>
      <div class="card">
        <PageTitle sub={props.sub}>{props.title}</PageTitle>
        {props.children}
      </div>
    </main>
  );
}

/** The email a person signs in with (the browser's username for saved passwords). */
function EmailField(props: { label?: string; value: string; onInput: (v: string) => void; error?: string }) {
  return (
    <Field
      label={props.label ?? 'Email'}
      name="email"
      type="email"
      autoComplete="username"
      value={props.value}
      onInput={props.onInput}
      error={props.error}
      required
    />
  );
}

/** A password: `current` to sign in with, `new` to choose one (the rule shown as the hint). */
function PasswordField(props: { purpose: 'current' | 'new'; hint?: string; value: string; onInput: (v: string) => void; error?: string }) {
  return (
    <Field
      label="Password"
      name="password"
      type="password"
      autoComplete={`${props.purpose}-password`}
      hint={props.purpose === 'new' ? (props.hint ?? 'At least 10 characters.') : undefined}
      value={props.value}
      onInput={props.onInput}
      error={props.error}
      required
    />
  );
}

export function SignIn(props: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const f = useForm();
  return (
    <Card title="Sign in" sub="to your Switchboard console">
      <form
        ref={f.ref}
        onSubmit={f.onSubmit(async () => {
          await api('POST', '/v1/session', { email, password });
          props.onSignedIn();
        })}
        noValidate
      >
        {f.error && <Alert>{f.error}</Alert>}
        <EmailField value={email} onInput={setEmail} error={f.fields.email} />
        <PasswordField purpose="current" value={password} onInput={setPassword} error={f.fields.password} />
        <button type="submit" class="primary" disabled={f.busy}>
          {f.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="switch">
        New here? <a href="#/signup">Create an organization</a>
      </p>
    </Card>
  );
}

export function SignUp(props: { onSignedIn: () => void }) {
  const [organization, setOrganization] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const f = useForm();
  return (
    <Card title="Create your organization" sub="You get a NATS account to start with, and can invite your team.">
      <form
        ref={f.ref}
        onSubmit={f.onSubmit(async () => {
          await api('POST', '/v1/session/signup', { organization, email, password });
          props.onSignedIn();
          go('/accounts');
        })}
        noValidate
      >
        {f.error && <Alert>{f.error}</Alert>}
        <Field
          label="Organization"
          name="organization"
          autoComplete="organization"
          value={organization}
          onInput={setOrganization}
          error={f.fields.organization}
          required
        />
        <EmailField value={email} onInput={setEmail} error={f.fields.email} />
        <PasswordField
          purpose="new"
          hint="At least 10 characters. A few words together work well."
          value={password}
          onInput={setPassword}
          error={f.fields.password}
        />
        <button type="submit" class="primary" disabled={f.busy}>
          {f.busy ? 'Creating…' : 'Create organization'}
        </button>
      </form>
      <p class="switch">
        Already have an account? <a href="#/signin">Sign in</a>
      </p>
    </Card>
  );
}

export function AcceptInvite(props: { token: string; onSignedIn: () => void }) {
  const [info, setInfo] = useState<{ organization: string; role: string; email: string | null } | undefined>();
  const [problem, setProblem] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const f = useForm();
  useEffect(() => {
    api<{ organization: string; role: string; email: string | null }>('POST', '/v1/invites/preview', { token: props.token }).then(
      (i) => {
        setInfo(i);
        if (i.email) setEmail(i.email);
      },
      (e: Error) => setProblem(e.message.startsWith('Not found') ? 'This invite link is not valid. Ask for a new one.' : e.message),
    );
  }, [props.token]);
  if (problem)
    return (
      <Card title="Invite">
        <Alert>{problem}</Alert>
      </Card>
    );
  if (!info)
    return (
      <Card title="Invite">
        <p>Checking your invite…</p>
      </Card>
    );
  return (
    <Card title={`Join ${info.organization}`} sub={`You are invited as ${info.role}. New here? Choose a password. Have an account? Use its password.`}>
      <form
        ref={f.ref}
        onSubmit={f.onSubmit(async () => {
          await api('POST', '/v1/invites/accept', { token: props.token, email, password });
          props.onSignedIn();
          go('/accounts');
        })}
        noValidate
      >
        {f.error && <Alert>{f.error}</Alert>}
        <EmailField value={email} onInput={setEmail} error={f.fields.email} />
        <PasswordField purpose="new" value={password} onInput={setPassword} error={f.fields.password} />
        <button type="submit" class="primary" disabled={f.busy}>
          Join
        </button>
      </form>
    </Card>
  );
}

/** The operator's person is made with the admin token that the first start wrote out. */
export function OperatorSetup() {
  const [token, setToken] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const f = useForm();
  return (
    <Card title="Operator sign-in setup" sub="Paste the admin token from the control plane's first start, then choose the operator's email and password.">
      {done ? (
        <Alert kind="ok">
          Operator created. <a href="#/signin">Sign in</a> with {email}.
        </Alert>
      ) : (
        <form
          ref={f.ref}
          onSubmit={f.onSubmit(async () => {
            await api('POST', '/v1/session/operators', { email, password }, { authorization: `Bearer ${token.trim()}` });
            setDone(true);
          })}
          noValidate
        >
          {f.error && <Alert>{f.error}</Alert>}
          <Field label="Admin token" name="token" type="password" autoComplete="off" value={token} onInput={setToken} required />
          <EmailField label="Operator email" value={email} onInput={setEmail} error={f.fields.email} />
          <PasswordField purpose="new" value={password} onInput={setPassword} error={f.fields.password} />
          <button type="submit" class="primary" disabled={f.busy}>
            Create operator
          </button>
        </form>
      )}
    </Card>
  );
}
