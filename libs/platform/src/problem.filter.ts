import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';

/** RFC 9457 problem details. `errors` lists field-level failures where there are several. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://ns.dscsa-trace.org/problems/';

/**
 * Thrown by domain-facing code to answer with a specific problem type;
 * `slug` becomes the last segment of the problem type URI.
 */
export class ProblemException extends HttpException {
  constructor(status: number, slug: string, detail: string, extensions: Record<string, unknown> = {}) {
    super({ type: PROBLEM_TYPE_BASE + slug, title: STATUS_CODES[status] ?? 'Error', status, detail, ...extensions }, status);
  }
}

/** Renders every error as application/problem+json; never leaks internals of a 5xx. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const problem = toProblem(exception);
    problem.instance ??= req.originalUrl;
    if (problem.status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '5');
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

export function toProblem(exception: unknown): Problem {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null && 'type' in body) return { ...(body as Problem), status };
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    // a failed health check (terminus) says which dependency is down: kept as `checks`
    const checks = typeof body === 'object' && body !== null ? (body as { details?: unknown }).details : undefined;
    return {
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
      ...(checks !== undefined && { checks }),
    };
  }
  // body-parser and other http-errors style errors carry their own 4xx status (bad JSON, too large, bad charset).
  const status = (exception as { status?: unknown; statusCode?: unknown })?.status ?? (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (exception as { type?: unknown }).type;
    const detail = status === 413 ? 'request body exceeds the size limit' : (exception as Error).message;
    return { type: typeof type === 'string' ? PROBLEM_TYPE_BASE + type.replace(/\./g, '-') : 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
  }
  if (isUnavailable(exception))
    return { type: PROBLEM_TYPE_BASE + 'dependency-unavailable', title: 'Service Unavailable', status: 503, detail: 'a backing service is unavailable; retry later' };
  return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'unexpected error; it has been logged' };
}

// Connection failures (PostgreSQL class 08 and 57P0x, socket errors) and a schema another app has not migrated yet.
const UNAVAILABLE = /^(08|57P0|ECONNREFUSED|ECONNRESET|ETIMEDOUT|42P01$)/;

function isUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (e as { code?: unknown })?.code;
  return typeof code === 'string' && UNAVAILABLE.test(code) || /Connection terminated|timeout exceeded when trying to connect/.test((e as Error)?.message ?? '');
}
