// Services every resource module shares: the operator (signing keys, API tokens), account JWT
// re-signing + propagation, the audit log, account lookup. AuthGuard guards every route.
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountJwtService } from './accounts/account-jwt.service.js';
import { AccountsService } from './accounts/accounts.service.js';
import { AuditService } from './audit/audit.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { OperatorService } from './operator/operator.service.js';

const shared = [OperatorService, AccountJwtService, AuditService, AccountsService];

@Global()
@Module({ providers: [...shared, { provide: APP_GUARD, useClass: AuthGuard }], exports: shared })
export class DomainModule {}
