import type { EntityManager } from '@mikro-orm/postgresql';

/** One entry of a case's timeline as the workflow journals it; `at` in epoch milliseconds. */
export interface TimelineRecord {
  version: number;
  type: string;
  actor: { type: string; userId?: string | null };
  changes: unknown;
  detail?: string;
  at: number;
}

/** Appends entries to the case's timeline. Idempotent: an entry is keyed by the case and its version. */
export async function appendCaseTimeline(
  em: EntityManager,
  input: { orgId: string; caseId: string; entries: TimelineRecord[] },
): Promise<void> {
  if (input.entries.length === 0) return;
  await em.execute(
    `insert into case_events (org_id, case_id, version, type, actor_type, actor_user_id, changes, detail, occurred_at)
     select ?, ?, e.version, e.type, e.actor_type, e.actor_user_id, e.changes, e.detail, to_timestamp(e.at / 1000.0)
     from jsonb_to_recordset(?::jsonb) as e(version bigint, type text, actor_type text, actor_user_id uuid, changes jsonb, detail text, at double precision)
     on conflict (case_id, version) do nothing`,
    [
      input.orgId,
      input.caseId,
      JSON.stringify(
        input.entries.map((entry) => ({
          version: entry.version,
          type: entry.type,
          actor_type: entry.actor.type,
          actor_user_id: entry.actor.userId ?? null,
          changes: entry.changes,
          detail: entry.detail ?? null,
          at: entry.at,
        })),
      ),
    ],
  );
}
