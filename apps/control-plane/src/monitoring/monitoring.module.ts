import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MonitoringController } from './monitoring.controller.js';
import { MonitoringService } from './monitoring.service.js';

@Module({ imports: [AccountsModule], controllers: [MonitoringController], providers: [MonitoringService] })
export class MonitoringModule {}
