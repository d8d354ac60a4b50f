import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SignupModule } from '../signup/signup.module.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';

@Module({ imports: [SignupModule, AuditModule], controllers: [SessionsController], providers: [SessionsService], exports: [SessionsService] })
export class SessionsModule {}
