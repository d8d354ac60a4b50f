// The OpenAPI description from the same zod schemas the code uses: request bodies (what a client
// sends: `io: 'input'`) and responses (what it gets back: `io: 'output'`, Dates as the ISO strings
// JSON makes of them). Every operation also documents the one error shape, as `default`.
import { ApiBody, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';

type Json = Record<string, unknown>;

/** JSON Schema (OpenAPI 3.0 dialect) of a zod schema; a z.date() is the date-time string it is sent as. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Json;
}

export const ApiZodBody = (schema: z.ZodType): MethodDecorator => ApiBody({ schema: jsonSchemaOf(schema, 'input') as object });

/**
 * The success answer: `schema` (zod) as JSON, or with `contentType` a text body (a JWT, a
 * metrics page); status 204 has no body.
 */
export function ApiZodResponse(status: number, schema?: z.ZodType, contentType?: string): MethodDecorator {
  if (status === 204) return ApiResponse({ status, description: 'No Content' });
  const described = ApiResponse({ status, description: 'Success', schema: (schema ? jsonSchemaOf(schema, 'output') : { type: 'string' }) as object });
  return contentType ? applyDecorators(ApiProduces(contentType), described) : described;
}

/** `{ items, total }` of a list (common/paging.ts). */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** The error body of every failure (common/error.filter.ts ErrorBody). */
export const errorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  details: z
    .union([z.array(z.object({ field: z.string(), message: z.string() })), z.object({ fields: z.array(z.string()) })])
    .optional()
    .describe('validation: one entry per field; unique conflict (409): the fields'),
});

/** Adds the error shape to every operation of the document as its `default` response. */
export function withErrorResponses(doc: OpenAPIObject): OpenAPIObject {
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Error: jsonSchemaOf(errorSchema, 'output') };
  const error = {
    description: 'Error: { statusCode, error, message, details? }',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  for (const item of Object.values(doc.paths))
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (op) op.responses = { ...op.responses, default: error };
    }
  return doc;
}
