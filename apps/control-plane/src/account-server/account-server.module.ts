import { Module } from '@nestjs/common';
import { OperatorModule } from '../operator/operator.module.js';
import { AccountServerController } from './account-server.controller.js';
import { AccountServerService } from './account-server.service.js';

@Module({ imports: [OperatorModule], controllers: [AccountServerController], providers: [AccountServerService] })
export class AccountServerModule {}
