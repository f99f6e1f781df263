import type { EntityManager } from '@mikro-orm/postgresql';

export interface VisitorVisibleMessage {
  id: string;
  direction: string;
  author_type: string;
  body: string;
  metadata: Record<string, unknown>;
  occurred_at: Date;
}

/**
 * What a chat visitor may read of their thread, in order: their own messages and the agent and bot
 * replies that were sent. Never internal notes, never replies still pending or failed.
 */
export async function listVisitorVisibleMessages(
  em: EntityManager,
  input: { orgId: string; threadId: string },
): Promise<VisitorVisibleMessage[]> {
  return em.execute(
    `select m.id, m.direction, m.author_type, m.body, m.metadata, m.occurred_at from messages m
       where m.thread_id = ? and m.org_id = ? and m.kind = 'message'
         and ((m.direction = 'inbound' and m.author_type = 'customer')
           or (m.direction = 'outbound' and m.author_type in ('agent', 'bot') and m.delivery_status in ('sent', 'delivered')))
       order by m.occurred_at, m.created_at, m.id`,
    [input.threadId, input.orgId],
  );
}
