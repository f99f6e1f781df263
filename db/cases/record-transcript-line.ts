import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A bot (or widget-side agent) line of a chat transcript handed over on escalation: stored on the
 * case as an outbound message already delivered, so the thread reads as the visitor saw it. It does
 * not signal the case workflow. Idempotent on the provider message id.
 */
export async function recordTranscriptLine(
  em: EntityManager,
  input: {
    orgId: string;
    caseId: string;
    channel: string;
    providerMessageId: string;
    author: 'bot' | 'agent';
    body: string;
    occurredAt: Date;
    metadata?: Record<string, unknown>;
  },
): Promise<{ messageId: string; duplicate: boolean }> {
  const inserted: Array<{ id: string }> = await em.execute(
    `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, provider_message_id, body, metadata,
       delivery_status, sent_at, occurred_at)
     select org_id, id, thread_id, ?, 'outbound', 'message', 'bot', ?, ?, ?::jsonb, 'delivered', ?, ? from cases where id = ? and org_id = ?
     on conflict (org_id, channel, provider_message_id) where provider_message_id is not null do nothing
     returning id`,
    [
      input.channel,
      input.providerMessageId,
      input.body,
      JSON.stringify({ ...input.metadata, transcriptAuthor: input.author }),
      input.occurredAt,
      input.occurredAt,
      input.caseId,
      input.orgId,
    ],
  );
  if (inserted[0]) return { messageId: inserted[0].id, duplicate: false };
  const existing: Array<{ id: string }> = await em.execute(
    `select id from messages where org_id = ? and channel = ? and provider_message_id = ?`,
    [input.orgId, input.channel, input.providerMessageId],
  );
  if (!existing[0]) throw new Error(`Case ${input.caseId} does not exist in organization ${input.orgId}.`);
  return { messageId: existing[0].id, duplicate: true };
}
