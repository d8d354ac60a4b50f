import { Module } from '@nestjs/common';
import { BrokersController } from './brokers.controller.js';

@Module({ controllers: [BrokersController] })
export class BrokersModule {}
