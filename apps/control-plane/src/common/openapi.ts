// The OpenAPI description of a zod request body (what a client sends: `io: 'input'`).
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

export const ApiZodBody = (schema: z.ZodType): MethodDecorator => ApiBody({ schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as object });
