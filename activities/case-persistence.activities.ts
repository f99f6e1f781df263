import type { MikroORM } from '@mikro-orm/postgresql';
import type { CaseState } from '../domain/case.model';
import type { TimelineEntry } from '../workflows/case.contract';

export interface PersistCaseChangesInput {
  orgId: string;
  caseId: string;
  /** The case after the last entry; `version` is that entry's version. */
  version: number;
  state: CaseState;
  /**
   * When the case needs attention under the policy it started with (null once resolved). A write
   * scheduled by a workflow that predates it leaves the column as it was.
   */
  attentionDueAt?: number | null;
  entries: TimelineEntry[];
}

const toDate = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs));

/** Writes a case's lifecycle to the read model. Idempotent: every write is keyed by the case version. */
export function createCasePersistenceActivities(deps: { orm: MikroORM }) {
  return {
    async persistCaseChanges(input: PersistCaseChangesInput): Promise<{ applied: boolean }> {
      const { state } = input;
      const updatedAt = toDate(input.entries.at(-1)?.at ?? Date.now());
      return deps.orm.em.fork().transactional(async (em) => {
        // `version < ?` makes a late or retried write of an older snapshot a no-op.
        const updated: Array<{ id: string }> = await em.execute(
          `update cases set status = ?, resolution = ?, archived = ?, archived_at = case when ? then coalesce(archived_at, ?) else null end,
             assignee_id = ?, category_id = ?, important = ?, needs_attention = ?, attention_due_at = case when ?::boolean then ?::timestamptz else attention_due_at end, window_expires_at = ?, opened_at = ?,
             resolved_at = ?, last_customer_message_at = ?, version = ?, updated_at = ?
           where id = ? and org_id = ? and version < ? returning id`,
          [
            state.status,
            state.resolution,
            state.archived,
            state.archived,
            updatedAt,
            state.assigneeId,
            state.categoryId,
            state.important,
            state.needsAttention,
            input.attentionDueAt !== undefined,
            toDate(input.attentionDueAt ?? null),
            toDate(state.windowExpiresAt),
            toDate(state.openedAt),
            toDate(state.resolvedAt),
            toDate(state.lastCustomerMessageAt),
            input.version,
            updatedAt,
            input.caseId,
            input.orgId,
            input.version,
          ],
        );
        if (input.entries.length > 0) {
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
        return { applied: updated.length > 0 };
      });
    },

    /** The workflow is about to complete: the next message on this thread starts a new case. */
    async markLifecycleEnded(input: { orgId: string; caseId: string; at: number }): Promise<void> {
      await deps.orm.em
        .fork()
        .execute(`update cases set lifecycle_ended_at = coalesce(lifecycle_ended_at, ?) where id = ? and org_id = ?`, [
          toDate(input.at),
          input.caseId,
          input.orgId,
        ]);
    },
  };
}

export type CasePersistenceActivities = ReturnType<typeof createCasePersistenceActivities>;
