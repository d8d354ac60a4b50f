// Validation with zod: schemas are plain values that libs and the CLI can share, infer the DTO
// types, and export JSON Schema for OpenAPI — no decorator metadata or class-transformer needed.
// Before any schema, every string (and key) must be storable as PostgreSQL text: no NUL, no lone
// surrogate (the database would refuse it with a 500); the 400 names each field.
import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { textProblems } from '@switchboard/db';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  /** `field`: the name of a single value (a path parameter) in error details. */
  constructor(
    private readonly schema: S,
    private readonly field?: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    const text = textProblems(value);
    if (text.length) throw invalid(text.map((t) => ({ field: this.name(t.path ? t.path.split('.') : []), message: t.message })));
    const r = this.schema.safeParse(value);
    if (r.success) return r.data;
    throw invalid(r.error.issues.map((i) => ({ field: this.name(i.path), message: i.message })));
  }

  private name(path: readonly PropertyKey[]): string {
    const p = path.map(String).join('.');
    return this.field ? (p ? `${this.field}.${p}` : this.field) : p || '(body)';
  }
}

function invalid(details: FieldError[]): BadRequestException {
  return new BadRequestException({ message: 'validation failed', details });
}
