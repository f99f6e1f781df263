import { ConnectionException } from '@mikro-orm/core';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

// gRPC status codes: the Temporal frontend could not be reached, or did not answer in time.
const GRPC_UNREACHABLE = new Set([14, 4]);
// Codes a call also ends with when the server goes away mid-call (its stream reset or dropped).
const GRPC_CUT_OFF = new Set([1, 2, 13]);
const GRPC_CUT_OFF_MESSAGES =
  /RST_STREAM|Stream removed|Connection dropped|ECONNRESET|socket hang up|Call cancelled|GOAWAY/i;
// Socket errors, and PostgreSQL's connection (08xxx) and shutdown/startup (57P0x) SQLSTATEs.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNREACHABLE_MESSAGES = /Connection terminated|Connection ended unexpectedly|Timeout acquiring a connection/i;

/**
 * PostgreSQL or Temporal could not be reached. Nothing about the request is wrong and it may well
 * succeed in a moment, so it answers 503: providers redeliver webhooks they were refused this way.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth += 1
  ) {
    if (current instanceof ConnectionException) return true;
    // An update's deadline passed before the case answered: Temporal, or the case's worker, is away.
    if (current instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (current instanceof ServiceError && isGrpcUnreachable(current.cause)) return true;
    if (isGrpcUnreachable(current)) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (UNREACHABLE_MESSAGES.test(current.message)) return true;
  }
  return false;
}

/** A gRPC error (numeric `code`) that says the server was unreachable or went away mid-call. */
function isGrpcUnreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'number') return false;
  return (
    GRPC_UNREACHABLE.has(code) ||
    (GRPC_CUT_OFF.has(code) && typeof message === 'string' && GRPC_CUT_OFF_MESSAGES.test(message))
  );
}
