import type { EntityManager } from '@mikro-orm/postgresql';

/** The provider accepted the reply. Ids a previous attempt already stored are kept. */
export async function markReplySent(
  em: EntityManager,
  input: { messageId: string; providerMessageId: string; rfcMessageId: string | null },
): Promise<void> {
  await em.execute(
    `update messages set delivery_status = 'sent', delivery_error = null, sent_at = now(), provider_message_id = coalesce(provider_message_id, ?),
       rfc_message_id = coalesce(rfc_message_id, ?) where id = ?`,
    [input.providerMessageId, input.rfcMessageId, input.messageId],
  );
}

/** The reply will not be sent (refused for good, or its channel has no outbound path), with the reason shown on it. */
export async function recordReplyNotDelivered(
  em: EntityManager,
  input: { messageId: string; status: 'failed' | 'not_sent'; reason: string },
): Promise<void> {
  await em.execute(`update messages set delivery_status = ?, delivery_error = ? where id = ?`, [
    input.status,
    input.reason,
    input.messageId,
  ]);
}

/** Retries ran out: a reply still pending is shown as failed. One already sent or failed stays as it is. */
export async function failPendingReply(
  em: EntityManager,
  input: { orgId: string; messageId: string; reason: string },
): Promise<void> {
  await em.execute(
    `update messages set delivery_status = 'failed', delivery_error = ? where id = ? and org_id = ? and delivery_status = 'pending'`,
    [input.reason.slice(0, 1000), input.messageId, input.orgId],
  );
}
