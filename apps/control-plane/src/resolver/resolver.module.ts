import { Module } from '@nestjs/common';
import { OperatorModule } from '../operator/operator.module.js';
import { ResolverController } from './resolver.controller.js';
import { ResolverService } from './resolver.service.js';

@Module({ imports: [OperatorModule], controllers: [ResolverController], providers: [ResolverService] })
export class ResolverModule {}
