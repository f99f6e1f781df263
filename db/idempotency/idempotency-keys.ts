import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Idempotency-Keys of agent API requests (`idempotency_keys`): one row per organization, token and
 * key, holding the fingerprint of the first request and, once it has answered, that answer. While
 * the first request runs the row is claimed with a lease its request keeps extending; a lease
 * that runs out means the request died, and a retry of the same request may take over.
 */
export interface IdempotencyScope {
  orgId: string;
  tokenId: string;
  key: string;
  /** Method, path and body of the request, hashed: the same key with another request is refused. */
  fingerprint: string;
}

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'answered'; status: number; body: string }
  | { outcome: 'in_progress' }
  | { outcome: 'mismatch' };

const SCOPE = 'org_id = ? and token_id = ? and key = ?';
const scopeValues = (scope: IdempotencyScope) => [scope.orgId, scope.tokenId, scope.key];

/**
 * Claims the key for this request, or says what holds it. An expired row counts as absent, and an
 * unanswered row of the same request whose lease ran out is taken over.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  input: IdempotencyScope & { leaseMs: number; retentionMs: number },
): Promise<IdempotencyClaim> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const claimed: unknown[] = await em.execute(
      `insert into idempotency_keys (org_id, token_id, key, fingerprint, locked_until, expires_at)
       values (?, ?, ?, ?, now() + ? * interval '1 millisecond', now() + ? * interval '1 millisecond')
       on conflict (org_id, token_id, key) do update
         set fingerprint = excluded.fingerprint, status = null, response_body = null, locked_until = excluded.locked_until,
             created_at = now(), expires_at = excluded.expires_at
         where idempotency_keys.expires_at <= now()
            or (idempotency_keys.status is null and idempotency_keys.locked_until <= now() and idempotency_keys.fingerprint = excluded.fingerprint)
       returning 1`,
      [...scopeValues(input), input.fingerprint, input.leaseMs, input.retentionMs],
    );
    if (claimed.length > 0) return { outcome: 'claimed' };
    const rows: Array<{ fingerprint: string; status: number | null; response_body: string | null }> = await em.execute(
      `select fingerprint, status, response_body from idempotency_keys where ${SCOPE}`,
      scopeValues(input),
    );
    const held = rows[0];
    // Pruned between the two statements: claim again.
    if (!held) continue;
    if (held.fingerprint !== input.fingerprint) return { outcome: 'mismatch' };
    if (held.status !== null && held.response_body !== null)
      return { outcome: 'answered', status: held.status, body: held.response_body };
    return { outcome: 'in_progress' };
  }
  return { outcome: 'in_progress' };
}

/** The request answered (2xx or 4xx): later requests with the key get this answer. */
export async function recordIdempotentAnswer(
  em: EntityManager,
  input: IdempotencyScope & { status: number; body: string },
): Promise<void> {
  await em.execute(
    `update idempotency_keys set status = ?, response_body = ?, locked_until = null where ${SCOPE} and fingerprint = ? and status is null`,
    [input.status, input.body, ...scopeValues(input), input.fingerprint],
  );
}

/** The request failed on our side (5xx): the key is free again, so the client's retry runs. */
export async function releaseIdempotencyKey(em: EntityManager, input: IdempotencyScope): Promise<void> {
  await em.execute(`delete from idempotency_keys where ${SCOPE} and fingerprint = ? and status is null`, [
    ...scopeValues(input),
    input.fingerprint,
  ]);
}

/** The request is still running: its claim holds for another lease. */
export async function extendIdempotencyLease(
  em: EntityManager,
  input: IdempotencyScope & { leaseMs: number },
): Promise<void> {
  await em.execute(
    `update idempotency_keys set locked_until = now() + ? * interval '1 millisecond' where ${SCOPE} and fingerprint = ? and status is null`,
    [input.leaseMs, ...scopeValues(input), input.fingerprint],
  );
}

/** Deletes expired keys, at most `limit` per statement, until none is left; returns how many. */
export async function pruneExpiredIdempotencyKeys(em: EntityManager, input: { limit: number }): Promise<number> {
  let pruned = 0;
  for (;;) {
    const rows: unknown[] = await em.execute(
      `delete from idempotency_keys where ctid = any (array (select ctid from idempotency_keys where expires_at <= now() limit ?)) returning 1`,
      [input.limit],
    );
    pruned += rows.length;
    if (rows.length < input.limit) return pruned;
  }
}
