import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, Roles, type Caller } from '../auth/caller.js';
import { MonitoringService, type BrokerStatus, type ConnectionView } from './monitoring.service.js';
import { ApiZodResponse } from '../common/openapi.js';
import { connectionsSchema, brokerStatusesSchema } from './monitoring.schema.js';

@ApiTags('monitoring')
@Controller('v1')
export class MonitoringController {
  constructor(private readonly monitoring: MonitoringService) {}

  @Get('accounts/:id/connections')
  @ApiZodResponse(200, connectionsSchema)
  @ApiOperation({ summary: "The account's open client connections, from every monitored broker's /connz?acc=" })
  connections(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<{ items: ConnectionView[]; unreachable: string[] }> {
    return this.monitoring.connections(c, id);
  }

  @Get('brokers/status')
  @ApiZodResponse(200, brokerStatusesSchema)
  @Roles('operator_admin')
  @ApiOperation({ summary: "Each broker's health, version, uptime, connections and counters from its /varz" })
  brokers(): Promise<{ items: BrokerStatus[] }> {
    return this.monitoring.brokers();
  }
}
