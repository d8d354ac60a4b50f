import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { uuidv7, type Database } from '@switchboard/db';
import { checkUserPublicKey, expiryOf, issueUserJwt, openSigner, type UserPermissionsInput } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { notFound, tenantScope, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE, KEYRING } from '../tokens.js';
import type { CreateUser, UserView } from './user.schema.js';
import { IssuingAccounts, revokeUser, UserInserts, userInAccount, type UserRow } from './user-rows.js';

const view = (u: UserRow): UserView => ({
  id: u.id,
  accountId: u.accountId,
  name: u.name,
  publicKey: u.publicKey,
  permissions: u.permissions,
  jwt: u.jwt,
  expiresAt: u.expiresAt,
  revokedAt: u.revokedAt,
  createdAt: u.createdAt,
});

@Injectable()
export class UsersService {
  private readonly issuing = new IssuingAccounts();
  private readonly inserts: UserInserts;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly accounts: AccountsService,
    private readonly jwts: AccountJwtService,
  ) {
    this.inserts = new UserInserts(db);
  }

  async list(caller: Caller, accountId: string, p: Paging): Promise<Page<UserView>> {
    await this.accounts.find(caller, accountId);
    const where = { accountId };
    return pageOf(
      p,
      (w) => this.db.prisma.user.findMany({ where, orderBy: byAge, ...w }),
      () => this.db.prisma.user.count({ where }),
      view,
    );
  }

  async get(caller: Caller, accountId: string, userId: string): Promise<UserView> {
    await this.accounts.find(caller, accountId);
    const u = await this.db.prisma.user.findFirst({ where: { id: userId, accountId } });
    if (!u) throw notFound('user');
    return view(u);
  }

  /** Signs a user JWT with the account's newest signing key; the user row and its audit row are written together. */
  async create(caller: Caller, accountId: string, input: CreateUser): Promise<UserView> {
    const publicKey = checkUserPublicKey(input.publicKey);
    const expiresAt = expiryOf(input);
    const permissions: UserPermissionsInput = input.permissions ?? {};
    const tenantId = tenantScope(caller).tenantId;
    // A second pass only when the remembered signing key was rotated or revoked meanwhile.
    for (let pass = 0; pass < 2; pass++) {
      const a = await this.issuing.get(this.db.prisma, accountId, tenantId);
      if (!a) throw notFound('account');
      if (!a.signingKey) throw notFound('signing key');
      const jwt = issueUserJwt(
        { publicKey, name: input.name, account: a.publicKey, permissions, expiresAt, bearer: input.bearer },
        openSigner(this.keyring, a.signingKey),
      );
      const u = await this.inserts.add({
        id: uuidv7(),
        accountId,
        name: input.name,
        publicKey,
        permissions,
        jwt,
        expiresAt,
        signedBy: a.signingKey.publicKey,
        audit: { tenantId: a.tenantId, actor: caller.actor, details: { accountId, name: input.name, publicKey } },
      });
      if (u) return view(u);
      this.issuing.forget(accountId);
    }
    throw new ConflictException('the account signing key changed while the user was being issued: try again');
  }

  /** Adds the user to the account JWT's revocations (re-signed, then propagated): four statements in one transaction. */
  async revoke(caller: Caller, accountId: string, userId: string): Promise<{ revokedAt: Date }> {
    return this.jwts.transact(async (tx, touch) => {
      const a = await userInAccount(tx, accountId, userId, tenantScope(caller).tenantId);
      if (!a) throw notFound('account');
      const u = a.user;
      if (!u) throw notFound('user');
      if (u.revokedAt) return { revokedAt: u.revokedAt };
      // Whole seconds, as the JWT records it; a user JWT issued in this second is revoked too.
      const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      await revokeUser(tx, userId, revokedAt, { tenantId: a.tenantId, actor: caller.actor, details: { accountId, publicKey: u.publicKey } });
      // userInAccount took the account's row lock.
      await touch(accountId, { locked: true });
      return { revokedAt };
    });
  }
}
