import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { OperatorModule } from '../operator/operator.module.js';
import { SignupController } from './signup.controller.js';
import { SignupService } from './signup.service.js';

@Module({ imports: [AccountsModule, OperatorModule], controllers: [SignupController], providers: [SignupService], exports: [SignupService] })
export class SignupModule {}
