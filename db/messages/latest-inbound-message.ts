import type { EntityManager } from '@mikro-orm/postgresql';

export interface LatestInboundMessage {
  providerMessageId: string | null;
  rfcMessageId: string | null;
  metadata: Record<string, unknown>;
}

/** The customer's latest message on the case: whom and what a reply answers. */
export async function findLatestInboundMessage(
  em: EntityManager,
  caseId: string,
): Promise<LatestInboundMessage | null> {
  const rows: Array<{
    provider_message_id: string | null;
    rfc_message_id: string | null;
    metadata: Record<string, unknown>;
  }> = await em.execute(
    `select provider_message_id, rfc_message_id, metadata from messages where case_id = ? and direction = 'inbound' order by occurred_at desc, created_at desc limit 1`,
    [caseId],
  );
  const row = rows[0];
  return row
    ? { providerMessageId: row.provider_message_id, rfcMessageId: row.rfc_message_id, metadata: row.metadata }
    : null;
}
