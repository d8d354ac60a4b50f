// Validation with zod: schemas are plain values that libs and the CLI can share, infer the DTO
// types, and export JSON Schema for OpenAPI — no decorator metadata or class-transformer needed.
import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const r = this.schema.safeParse(value);
    if (r.success) return r.data;
    const details: FieldError[] = r.error.issues.map((i) => ({
      field: i.path.length ? i.path.join('.') : '(body)',
      message: i.message,
    }));
    throw new BadRequestException({ message: 'validation failed', details });
  }
}
