// A tenant as a new user makes one over the REST API: signup, then a user whose nkey is made here.
import { createUser } from '@nats-io/nkeys';
import { formatCreds } from '@switchboard/nats-jwt';

export interface TestTenant {
  /** The tenant admin's API token. */
  token: string;
  accountId: string;
  accountKey: string;
  userId: string;
  /** The user's .creds text (JWT + seed). */
  creds: string;
}

export async function signupWithUser(api: string, name: string): Promise<TestTenant> {
  const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const res = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const signup = await post<{ token: string; account: { id: string; publicKey: string } }>('/v1/signup', { email: `${name}@example.com`, organization: name });
  const key = createUser();
  const user = await post<{ id: string; jwt: string }>(`/v1/accounts/${signup.account.id}/users`, { name, publicKey: key.getPublicKey() }, signup.token);
  return {
    token: signup.token,
    accountId: signup.account.id,
    accountKey: signup.account.publicKey,
    userId: user.id,
    creds: formatCreds(user.jwt, key.getSeed()),
  };
}
