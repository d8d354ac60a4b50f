import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { UsageController } from './usage.controller.js';
import { UsageService } from './usage.service.js';

@Module({ imports: [AccountsModule], controllers: [UsageController], providers: [UsageService] })
export class UsageModule {}
