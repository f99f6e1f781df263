import type { EntityManager } from '@mikro-orm/postgresql';

/** Links a device to the case, or unlinks it (null). Not a lifecycle change: the workflow is not involved. */
export async function linkCaseDevice(
  em: EntityManager,
  input: { orgId: string; caseId: string; deviceId: string | null },
): Promise<void> {
  await em.execute(`update cases set device_id = ?, updated_at = now() where id = ? and org_id = ?`, [
    input.deviceId,
    input.caseId,
    input.orgId,
  ]);
}

export async function markCaseRead(em: EntityManager, input: { orgId: string; userId: string; caseId: string }) {
  await em.execute(
    `insert into read_marks (user_id, case_id, org_id, read_at) values (?, ?, ?, now())
     on conflict (user_id, case_id) do update set read_at = excluded.read_at`,
    [input.userId, input.caseId, input.orgId],
  );
}

export async function markCaseUnread(em: EntityManager, input: { userId: string; caseId: string }) {
  await em.execute(`delete from read_marks where user_id = ? and case_id = ?`, [input.userId, input.caseId]);
}

/** Stores an internal note once per id: a retry of the same request finds the note its first attempt stored. */
export async function insertCaseNote(
  em: EntityManager,
  input: { noteId: string; caseId: string; authorUserId: string; body: string },
): Promise<void> {
  await em.execute(
    `insert into messages (id, org_id, case_id, thread_id, channel, direction, kind, author_type, author_user_id, body, delivery_status, occurred_at)
     select ?, org_id, id, thread_id, channel, 'internal', 'note', 'agent', ?, ?, 'not_sent', now() from cases where id = ?
     on conflict (id) do nothing`,
    [input.noteId, input.authorUserId, input.body, input.caseId],
  );
}
