import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DriverException } from '@mikro-orm/core';
import { ZodError } from 'zod';
import type { Logger } from '../../config/logger';
import { isDependencyUnavailable } from '../../app/dependency-unavailable';
import { AppError, type AppErrorCode } from '../../app/app-error';
import { ProblemError, problems } from './problem';

/** Maps body-parser's errors (they carry `type` and `status`) to problems. */
function fromBodyParser(error: { type?: string; status?: number; message?: string }): ProblemError | null {
  switch (error.type) {
    case 'entity.too.large':
      return problems.payloadTooLarge();
    case 'entity.parse.failed':
      return problems.malformedBody('The body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problems.unsupportedMediaType(error.message ?? 'Unsupported encoding.');
    case 'request.aborted':
      return problems.malformedBody('The request was aborted.');
    default:
      return null;
  }
}

/**
 * A NUL character (U+0000) that got past the request checks: PostgreSQL text cannot hold one (22021,
 * 22P05, or 08P01 when one reaches a statement's text). The value sent is at fault, not the server.
 */
const NUL_CHARACTER_ERRORS = new Set(['22021', '22P05', '08P01']);

const APP_ERROR_STATUS: Record<AppErrorCode, { status: number; type: string; title: string }> = {
  invalid: { status: 400, type: 'validation', title: 'Invalid request' },
  not_found: { status: 404, type: 'not-found', title: 'Not found' },
  forbidden: { status: 403, type: 'forbidden', title: 'Forbidden' },
  conflict: { status: 409, type: 'conflict', title: 'Conflict' },
  unprocessable: { status: 422, type: 'unprocessable', title: 'Unprocessable' },
  unavailable: { status: 503, type: 'unavailable', title: 'Service unavailable' },
};

function fromAppError(error: AppError): ProblemError {
  const { status, type, title } = APP_ERROR_STATUS[error.code];
  const fieldErrors = error.details.fieldErrors ?? [];
  const detail = fieldErrors.length > 0 ? 'The request is not valid; see errors.' : error.message;
  return new ProblemError(status, error.details.type ?? type, title, detail, fieldErrors);
}

export function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof AppError) return fromAppError(error);
  if (error instanceof DriverException && NUL_CHARACTER_ERRORS.has(error.code ?? '')) {
    return problems.malformedBody('Text must not contain NUL (U+0000) characters.');
  }
  if (error instanceof ZodError) {
    return problems.validation(
      error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message })),
    );
  }
  if (typeof error === 'object' && error !== null) {
    const parsed = fromBodyParser(error as { type?: string });
    if (parsed) return parsed;
  }
  if (isDependencyUnavailable(error))
    return problems.unavailable('A service this request needs is unreachable; try again shortly.');
  return problems.internal();
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toProblem(error);
    if (problem.status >= 500) logger.error({ err: error, requestId: req.requestId }, 'request failed');
    res.status(problem.status).type('application/problem+json').json(problem.toBody(req.originalUrl));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(problems.notFound(`No route for ${req.method} ${req.path}.`));
};
