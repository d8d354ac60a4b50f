// One JSON error shape for every failure: { statusCode, error, message, details? }.
// Database conflicts become 409/404; anything unexpected is logged and answered without internals.
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { classifyDbError } from '@switchboard/db';
import { IssuerError } from '@switchboard/issuer';
import { TooManyRequestsException } from './too-many-requests.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Error');

  catch(e: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(e);
    if (e instanceof TooManyRequestsException) void reply.header('retry-after', String(e.retryAfterSeconds));
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(e: unknown): ErrorBody {
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const res = e.getResponse();
      const r = typeof res === 'object' && res !== null ? (res as Record<string, unknown>) : { message: res };
      const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? e.message);
      return { statusCode: status, error: reasons[status] ?? e.name, message, ...(r.details ? { details: r.details } : {}) };
    }
    if (e instanceof IssuerError) {
      if (e.code === 'unauthorized') return { statusCode: 401, error: reasons[401]!, message: e.message };
      return { statusCode: 400, error: reasons[400]!, message: 'validation failed', details: [{ field: e.field ?? '(body)', message: e.message }] };
    }
    const db = classifyDbError(e);
    if (db?.kind === 'unique') {
      return { statusCode: 409, error: reasons[409]!, message: 'already exists', details: { fields: db.fields } };
    }
    if (db?.kind === 'not_found') return { statusCode: 404, error: reasons[404]!, message: 'not found' };
    if (db?.kind === 'foreign_key') {
      return { statusCode: 409, error: reasons[409]!, message: 'refers to something that does not exist or is still in use' };
    }
    this.log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: reasons[500]!, message: 'internal error' };
  }
}
