import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { JetStreamController } from './jetstream.controller.js';
import { JetStreamService } from './jetstream.service.js';

@Module({ imports: [AccountsModule], controllers: [JetStreamController], providers: [JetStreamService] })
export class JetStreamModule {}
