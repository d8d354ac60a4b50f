import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { OperatorModule } from '../operator/operator.module.js';
import { AccountJwtService } from './account-jwt.service.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';

/** Accounts, and the one way an account JWT changes (AccountJwtService): used by every module that touches an account. */
@Module({
  imports: [OperatorModule, AuditModule],
  controllers: [AccountsController],
  providers: [AccountsService, AccountJwtService],
  exports: [AccountsService, AccountJwtService],
})
export class AccountsModule {}
