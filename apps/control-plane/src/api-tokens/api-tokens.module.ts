import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { OperatorModule } from '../operator/operator.module.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { ApiTokensService } from './api-tokens.service.js';

@Module({ imports: [OperatorModule, AuditModule], controllers: [ApiTokensController], providers: [ApiTokensService] })
export class ApiTokensModule {}
