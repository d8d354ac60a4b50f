import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OperatorModule } from '../operator/operator.module.js';
import { AuthGuard } from './auth.guard.js';

/** AuthGuard on every route (@Public() and @Roles() narrow it). */
@Module({ imports: [OperatorModule], providers: [{ provide: APP_GUARD, useClass: AuthGuard }] })
export class AuthModule {}
