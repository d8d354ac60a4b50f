import { Module } from '@nestjs/common';
import { OperatorController } from './operator.controller.js';
import { OperatorService } from './operator.service.js';

/** The operator: its signing key (account JWTs) and the API token signer. */
@Module({ controllers: [OperatorController], providers: [OperatorService], exports: [OperatorService] })
export class OperatorModule {}
