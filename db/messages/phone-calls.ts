import type { EntityManager } from '@mikro-orm/postgresql';

/** A call is stored as a message keyed by its CallSid; Twilio's callbacks update it. */

/** The call's message, locked until the transaction ends so status callbacks apply one at a time. */
export async function lockCallMessage(
  em: EntityManager,
  input: { orgId: string; callSid: string },
): Promise<string | null> {
  const rows: Array<{ id: string }> = await em.execute(
    `select id from messages where org_id = ? and channel = 'phone' and provider_message_id = ? for update`,
    [input.orgId, input.callSid],
  );
  return rows[0]?.id ?? null;
}

/**
 * Merges `patch` into the call's metadata. Progress events can arrive after the final one: once the
 * stored status is one of `endedStatuses`, only another final status (`ended`) changes it.
 */
export async function mergeCallStatus(
  em: EntityManager,
  input: { messageId: string; patch: Record<string, unknown>; ended: boolean; endedStatuses: readonly string[] },
): Promise<void> {
  await em.execute(
    `update messages set metadata = case when metadata->>'status' in (${input.endedStatuses.map(() => '?').join(', ')}) and not ? then metadata else metadata || ?::jsonb end where id = ?`,
    [...input.endedStatuses, input.ended, JSON.stringify(input.patch), input.messageId],
  );
}

/** Attaches the call's recording to its message; once per recording (its provider id). */
export async function attachCallRecording(
  em: EntityManager,
  input: {
    orgId: string;
    callSid: string;
    recordingSid: string;
    url: string | null;
    name: string;
    durationSeconds: number | null;
  },
): Promise<void> {
  await em.execute(
    `insert into attachments (org_id, message_id, kind, url, name, content_type, duration_seconds, provider_id)
     select m.org_id, m.id, 'recording', ?, ?, 'audio/mpeg', ?, ? from messages m
     where m.org_id = ? and m.channel = 'phone' and m.provider_message_id = ?
     on conflict (org_id, provider_id) where provider_id is not null do nothing`,
    [input.url, input.name, input.durationSeconds, input.recordingSid, input.orgId, input.callSid],
  );
}
