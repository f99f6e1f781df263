import type { EntityManager } from '@mikro-orm/postgresql';
import { COMMENT_THREAD_CHANNELS } from '../../domain/channel-registry';

/** Whether the user is an active admin or agent of the organization: the only people a case can be assigned to. */
export async function isAssignableUser(em: EntityManager, input: { orgId: string; userId: string }): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `select 1 from users where id = ? and org_id = ? and role in ('admin', 'agent') and deactivated_at is null`,
    [input.userId, input.orgId],
  );
  return rows.length > 0;
}

/** A live category of the organization, with what a case put into it needs to know. */
export async function findCaseCategory(
  em: EntityManager,
  input: { orgId: string; categoryId: string },
): Promise<{ name: string; autoResolve: boolean } | null> {
  const rows: Array<{ name: string; auto_resolve: boolean }> = await em.execute(
    `select name, auto_resolve from categories where id = ? and org_id = ? and deleted_at is null`,
    [input.categoryId, input.orgId],
  );
  return rows[0] ? { name: rows[0].name, autoResolve: rows[0].auto_resolve } : null;
}

export async function deviceExists(em: EntityManager, input: { orgId: string; deviceId: string }): Promise<boolean> {
  const rows: unknown[] = await em.execute(`select 1 from devices where id = ? and org_id = ?`, [
    input.deviceId,
    input.orgId,
  ]);
  return rows.length > 0;
}

/** Whether the case began as an Instagram or Facebook comment (the only cases a public reply fits). */
export async function isCommentCase(em: EntityManager, caseId: string): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `select 1 from messages where case_id = ? and direction = 'inbound' and kind = 'comment'
       and channel in (${COMMENT_THREAD_CHANNELS.map(() => '?').join(', ')}) limit 1`,
    [caseId, ...COMMENT_THREAD_CHANNELS],
  );
  return rows.length > 0;
}

/** The case an operator names by its number (`#42`) in an organization. */
export async function findCaseIdByNumber(
  em: EntityManager,
  input: { orgId: string; number: number },
): Promise<string | null> {
  const rows: Array<{ id: string }> = await em.execute(`select id from cases where org_id = ? and number = ?`, [
    input.orgId,
    input.number,
  ]);
  return rows[0]?.id ?? null;
}

/** The open cases (not resolved, not archived) assigned to a user: what a departing agent leaves behind. */
export async function listUnresolvedCaseIdsAssignedTo(
  em: EntityManager,
  input: { orgId: string; userId: string },
): Promise<string[]> {
  const rows: Array<{ id: string }> = await em.execute(
    `select id from cases where org_id = ? and assignee_id = ? and status <> 'resolved' and not archived order by opened_at`,
    [input.orgId, input.userId],
  );
  return rows.map((row) => row.id);
}
