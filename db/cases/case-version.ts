import type { EntityManager } from '@mikro-orm/postgresql';
import type { CaseState } from '../../domain/case.model';

/** A case as its workflow last decided it, at one version. */
export interface CaseVersionWrite {
  orgId: string;
  caseId: string;
  version: number;
  state: CaseState;
  /** Undefined leaves the stored deadline as it was (a write scheduled by a workflow that predates the column). */
  attentionDueAt?: number | null;
  updatedAt: number;
}

const toDate = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs));

/**
 * Writes the case at this version unless the row already holds it or a newer one: `version < ?` makes
 * a late or retried write of an older version a no-op. True when the row was written.
 */
export async function writeCaseVersion(em: EntityManager, write: CaseVersionWrite): Promise<boolean> {
  const { state } = write;
  const updatedAt = toDate(write.updatedAt);
  const updated: Array<{ id: string }> = await em.execute(
    `update cases set status = ?, resolution = ?, archived = ?, archived_at = case when ? then coalesce(archived_at, ?) else null end,
       assignee_id = ?, category_id = ?, important = ?, attention_due_at = case when ?::boolean then ?::timestamptz else attention_due_at end, window_expires_at = ?, opened_at = ?,
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
      write.attentionDueAt !== undefined,
      toDate(write.attentionDueAt ?? null),
      toDate(state.windowExpiresAt),
      toDate(state.openedAt),
      toDate(state.resolvedAt),
      toDate(state.lastCustomerMessageAt),
      write.version,
      updatedAt,
      write.caseId,
      write.orgId,
      write.version,
    ],
  );
  return updated.length > 0;
}

/** The workflow is about to complete: the next message on this thread starts a new case. The first end is kept. */
export async function markCaseLifecycleEnded(
  em: EntityManager,
  input: { orgId: string; caseId: string; at: number },
): Promise<void> {
  await em.execute(
    `update cases set lifecycle_ended_at = coalesce(lifecycle_ended_at, ?) where id = ? and org_id = ?`,
    [toDate(input.at), input.caseId, input.orgId],
  );
}
