import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  claimIdempotencyKey,
  extendIdempotencyLease,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
  type IdempotencyScope,
} from '../../db/idempotency/idempotency-keys';
import type { Caller } from '../auth/authenticate';
import { toProblem } from './error-middleware';
import { ProblemError, problems } from './problem';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** How long an answer is kept for its key. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** A running request's claim; it renews it every HEARTBEAT_MS, so only a dead request's claim runs out. */
const LEASE_MS = 30_000;
const HEARTBEAT_MS = 10_000;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,255}$/;

/** An answer as it was sent: status and the exact JSON text. */
export interface RouteAnswer {
  status: number;
  body: string;
}

/** The header's key, or null without one; anything else than 1 to 255 printable characters is a 400 naming the header. */
export function parseIdempotencyKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!PRINTABLE_ASCII.test(value) || value.trim() === '') {
    throw problems.validation([
      { field: `header.${IDEMPOTENCY_KEY_HEADER}`, message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return value;
}

/** Method, path and body, with the body's keys sorted: the same request sent again has the same fingerprint. */
export function fingerprintRequest(input: { method: string; path: string; body: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([input.method, input.path, sortKeys(input.body)]))
    .digest('hex');
}

/**
 * A stable id for the request: the same for every retry with its Idempotency-Key (so the workflow
 * update it sends, and the rows it writes, are the first attempt's), fresh without one.
 */
export function requestKeyOf(input: { caller: Caller; idempotencyKey: string }): string {
  return createHash('sha256')
    .update(`${input.caller.orgId}\n${input.caller.tokenId}\n${input.idempotencyKey}`)
    .digest('base64url');
}

/**
 * Runs the request once per key: a retry of the same request gets the first answer again, another
 * request with the key a 409, and a retry while the first still runs a 409 to retry later. A 2xx or
 * 4xx answer is kept; after a 5xx the key is free again, as the client should retry.
 */
export async function answerOnce(input: {
  orm: MikroORM;
  caller: Caller;
  key: string;
  fingerprint: string;
  /** The problem's `instance`, as the error middleware would write it. */
  instance: string;
  run: () => Promise<RouteAnswer>;
}): Promise<RouteAnswer & { replayed: boolean }> {
  const em = () => input.orm.em.fork();
  const scope: IdempotencyScope = {
    orgId: input.caller.orgId,
    tokenId: input.caller.tokenId,
    key: input.key,
    fingerprint: input.fingerprint,
  };
  const claim = await claimIdempotencyKey(em(), { ...scope, leaseMs: LEASE_MS, retentionMs: IDEMPOTENCY_RETENTION_MS });
  if (claim.outcome === 'answered') return { status: claim.status, body: claim.body, replayed: true };
  if (claim.outcome === 'mismatch') {
    throw problems.conflict(
      `This ${IDEMPOTENCY_KEY_HEADER} was already used for another request (another route or body); use a new key for a new request.`,
      'idempotency-key-reused',
    );
  }
  if (claim.outcome === 'in_progress') {
    throw new ProblemError(
      409,
      'idempotency-key-in-progress',
      'Conflict',
      `A request with this ${IDEMPOTENCY_KEY_HEADER} is still in progress; retry later to get its answer.`,
    );
  }

  // A failed renewal is retried at the next beat; should they all fail, the lease runs out and a retry takes over.
  const heartbeat = setInterval(() => {
    extendIdempotencyLease(em(), { ...scope, leaseMs: LEASE_MS }).catch(() => undefined);
  }, HEARTBEAT_MS);
  try {
    const answer = await input.run();
    await recordIdempotentAnswer(em(), { ...scope, ...answer });
    return { ...answer, replayed: false };
  } catch (error) {
    const problem = toProblem(error);
    if (problem.status < 500)
      await recordIdempotentAnswer(em(), {
        ...scope,
        status: problem.status,
        body: JSON.stringify(problem.toBody(input.instance)),
      });
    else await releaseIdempotencyKey(em(), scope).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
