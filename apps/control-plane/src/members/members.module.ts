import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { InvitesController, MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';

@Module({ imports: [SessionsModule, AuditModule], controllers: [MembersController, InvitesController], providers: [MembersService] })
export class MembersModule {}
