import { Module } from '@nestjs/common';
import { ResolverController } from './resolver.controller.js';

@Module({ controllers: [ResolverController] })
export class ResolverModule {}
