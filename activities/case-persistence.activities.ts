import type { MikroORM } from '@mikro-orm/postgresql';
import type { CaseState } from '../domain/case.model';
import type { CaseChanges } from '../domain/case-diff';
import type { Actor } from '../workflows/case.contract';

export interface PersistCaseSnapshotInput {
  orgId: string;
  caseId: string;
  version: number;
  state: CaseState;
  timelineEntry: { type: string; actor: Actor; changes: CaseChanges; at: number };
}

const toDate = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs));

/** Writes a case's lifecycle to the read model. Idempotent: every write is keyed by the case version. */
export function createCasePersistenceActivities(deps: { orm: MikroORM }) {
  return {
    async persistCaseSnapshot(input: PersistCaseSnapshotInput): Promise<{ applied: boolean }> {
      const { state, timelineEntry } = input;
      return deps.orm.em.fork().transactional(async (em) => {
        // `version < ?` makes a late or retried write of an older snapshot a no-op.
        const updated: Array<{ id: string }> = await em.execute(
          `update cases set status = ?, resolution = ?, archived = ?, archived_at = case when ? then coalesce(archived_at, ?) else null end,
             assignee_id = ?, category_id = ?, important = ?, needs_attention = ?, window_expires_at = ?, opened_at = ?,
             resolved_at = ?, last_customer_message_at = ?, version = ?, updated_at = ?
           where id = ? and org_id = ? and version < ? returning id`,
          [
            state.status, state.resolution, state.archived, state.archived, toDate(timelineEntry.at),
            state.assigneeId, state.categoryId, state.important, state.needsAttention, toDate(state.windowExpiresAt), toDate(state.openedAt),
            toDate(state.resolvedAt), toDate(state.lastCustomerMessageAt), input.version, toDate(timelineEntry.at),
            input.caseId, input.orgId, input.version,
          ],
        );
        await em.execute(
          `insert into case_events (org_id, case_id, version, type, actor_type, actor_user_id, changes, occurred_at)
           values (?, ?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (case_id, version) do nothing`,
          [
            input.orgId, input.caseId, input.version, timelineEntry.type, timelineEntry.actor.type,
            timelineEntry.actor.userId ?? null, JSON.stringify(timelineEntry.changes), toDate(timelineEntry.at),
          ],
        );
        return { applied: updated.length > 0 };
      });
    },

    /** The workflow is about to complete: the next message on this thread starts a new case. */
    async markLifecycleEnded(input: { orgId: string; caseId: string; at: number }): Promise<void> {
      await deps.orm.em.fork().execute(
        `update cases set lifecycle_ended_at = coalesce(lifecycle_ended_at, ?) where id = ? and org_id = ?`,
        [toDate(input.at), input.caseId, input.orgId],
      );
    },
  };
}

export type CasePersistenceActivities = ReturnType<typeof createCasePersistenceActivities>;
