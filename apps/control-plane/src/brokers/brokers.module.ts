import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { BrokersController } from './brokers.controller.js';
import { BrokersService } from './brokers.service.js';

@Module({ imports: [AccountsModule, AuditModule], controllers: [BrokersController], providers: [BrokersService] })
export class BrokersModule {}
