// The shapes of the control plane's answers that the CLI reads (see the REST contract).
// Fields the CLI does not show are kept in --json output as the server sent them.

export interface List<T> {
  items: T[];
  total: number;
}

export interface Operator {
  name: string;
  publicKey: string;
  jwt: string;
  systemAccount: { publicKey: string; jwt: string };
  accountServerUrl?: string;
}

export interface Tenant {
  id: string;
  name: string;
  email?: string;
  plan?: string;
  status?: string;
  createdAt?: string;
}

export interface AccountSummary {
  id: string;
  name: string;
  publicKey: string;
  tenantId?: string;
  createdAt?: string;
}

export interface Account extends AccountSummary {
  limits?: Record<string, unknown>;
  signingKeys?: Array<{ publicKey: string; createdAt?: string }>;
  jwt?: string;
}

export interface Plan {
  id: string;
  name: string;
  limits?: Record<string, unknown>;
  maxAccounts?: number;
  createdAt?: string;
}

export interface Signup {
  tenant: Tenant;
  account: AccountSummary;
  token: string;
}

export interface User {
  id: string;
  name: string;
  publicKey: string;
  jwt?: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
  createdAt?: string;
}

export interface ExportItem {
  id: string;
  name: string;
  subject: string;
  type: 'stream' | 'service';
  tokenRequired?: boolean;
  responseType?: string;
  accountTokenPosition?: number;
}

export interface ImportItem {
  id: string;
  name: string;
  account: string;
  subject: string;
  localSubject?: string | null;
  type: 'stream' | 'service';
  token?: string | null;
}
