import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { PropagationController } from './propagation.controller.js';
import { PropagationService } from './propagation.service.js';

@Module({ imports: [AuditModule], controllers: [PropagationController], providers: [PropagationService] })
export class PropagationModule {}
