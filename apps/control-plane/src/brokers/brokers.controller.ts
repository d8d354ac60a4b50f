// Broker nodes the worker pushes account JWTs to (operator admins only).
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { ApiZodBody, ApiZodResponse, pageSchema } from '../common/openapi.js';
import { pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { createBrokerSchema, type BrokerView, type CreateBroker, brokerViewSchema } from './broker.schema.js';
import { BrokersService } from './brokers.service.js';

@ApiTags('brokers')
@ApiBearerAuth()
@Roles('operator_admin')
@Controller('v1/brokers')
export class BrokersController {
  constructor(private readonly brokers: BrokersService) {}

  @Get()
  @ApiZodResponse(200, pageSchema(brokerViewSchema))
  list(@Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<BrokerView>> {
    return this.brokers.list(p);
  }

  @Post()
  @ApiZodResponse(201, brokerViewSchema)
  @ApiZodBody(createBrokerSchema)
  create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createBrokerSchema)) body: CreateBroker): Promise<BrokerView> {
    return this.brokers.create(c, body);
  }

  @Delete(':id')
  @ApiZodResponse(204)
  @HttpCode(204)
  remove(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.brokers.remove(c, id);
  }
}
