import { ConnectionException } from '@mikro-orm/core';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

// gRPC status codes: the Temporal frontend could not be reached, or did not answer in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
// Socket errors, and PostgreSQL's connection (08xxx) and shutdown/startup (57P0x) SQLSTATEs.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNREACHABLE_MESSAGES = /Connection terminated|Connection ended unexpectedly|Timeout acquiring a connection/i;

/**
 * PostgreSQL or Temporal could not be reached. Nothing about the request is wrong and it may well
 * succeed in a moment, so it answers 503: providers redeliver webhooks they were refused this way.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof ConnectionException) return true;
    // An update's deadline passed before the case answered: Temporal, or the case's worker, is away.
    if (current instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (current instanceof ServiceError) {
      const code = (current.cause as { code?: unknown } | undefined)?.code;
      if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return true;
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (UNREACHABLE_MESSAGES.test(current.message)) return true;
  }
  return false;
}
