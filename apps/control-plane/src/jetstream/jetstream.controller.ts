import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerParam, type Caller } from '../auth/caller.js';
import { ApiZodResponse } from '../common/openapi.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import {
  bucketParamSchema,
  bucketsViewSchema,
  keyParamSchema,
  kvKeysViewSchema,
  kvKeyViewSchema,
  streamsViewSchema,
  type BucketsView,
  type KvKeysView,
  type KvKeyView,
  type StreamsView,
} from './jetstream.schema.js';
import { JetStreamService } from './jetstream.service.js';

const uuid = new ParseUUIDPipe();
const bucketParam = new ZodBodyPipe(bucketParamSchema, 'bucket');
const keyParam = new ZodBodyPipe(keyParamSchema, 'key');

// Any role of the account's tenant (viewers included) and operator admins; another tenant's account → 404.
@ApiTags('jetstream')
@ApiBearerAuth()
@Controller('v1/accounts')
export class JetStreamController {
  constructor(private readonly js: JetStreamService) {}

  @Get(':id/streams')
  @ApiZodResponse(200, streamsViewSchema)
  @ApiOperation({ summary: "The account's streams and their consumers, from every monitored broker's /jsz" })
  streams(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<StreamsView> {
    return this.js.streams(c, id);
  }

  @Get(':id/kv')
  @ApiZodResponse(200, bucketsViewSchema)
  @ApiOperation({ summary: "The account's KV buckets (streams KV_<bucket>), from every monitored broker's /jsz" })
  buckets(@CallerParam() c: Caller, @Param('id', uuid) id: string): Promise<BucketsView> {
    return this.js.buckets(c, id);
  }

  @Get(':id/kv/:bucket/keys')
  @ApiZodResponse(200, kvKeysViewSchema)
  @ApiOperation({ summary: "The bucket's keys (deleted ones left out; at most 1000), read through a broker as a one-minute read-only user of the account" })
  keys(@CallerParam() c: Caller, @Param('id', uuid) id: string, @Param('bucket', bucketParam) bucket: string): Promise<KvKeysView> {
    return this.js.keys(c, id, bucket);
  }

  @Get(':id/kv/:bucket/keys/:key')
  @ApiZodResponse(200, kvKeyViewSchema)
  @ApiOperation({ summary: "A key's newest value with its revision, and its kept history" })
  key(
    @CallerParam() c: Caller,
    @Param('id', uuid) id: string,
    @Param('bucket', bucketParam) bucket: string,
    @Param('key', keyParam) key: string,
  ): Promise<KvKeyView> {
    return this.js.key(c, id, bucket, key);
  }
}
