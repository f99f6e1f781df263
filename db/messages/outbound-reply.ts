import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../domain/channel-registry';

/** An agent's outbound message with what sending it needs from its case, thread, customer and organization. */
export interface OutboundReplyRow {
  id: string;
  body: string;
  delivery_status: string;
  visibility: string | null;
  case_id: string;
  number: number;
  channel: Channel;
  thread_id: string | null;
  external_ref: string | null;
  reply_token: string | null;
  thread_subject: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  support_email: string | null;
  /** The customer's first identity on the case's channel (page-scoped id, phone number…). */
  identity: string | null;
}

export async function findOutboundReply(
  em: EntityManager,
  input: { orgId: string; messageId: string },
): Promise<OutboundReplyRow | null> {
  const rows: OutboundReplyRow[] = await em.execute(
    `select m.id, m.body, m.delivery_status, m.metadata ->> 'visibility' as visibility, c.id as case_id, c.number, c.channel, t.id as thread_id, t.external_ref, t.reply_token, t.subject as thread_subject,
            cu.name, cu.email, cu.phone, o.support_email,
            (select ci.external_id from customer_identities ci where ci.customer_id = c.customer_id and ci.channel = c.channel order by ci.created_at limit 1) as identity
     from messages m join cases c on c.id = m.case_id join organizations o on o.id = c.org_id
     left join threads t on t.id = c.thread_id left join customers cu on cu.id = c.customer_id
     where m.id = ? and m.org_id = ? and m.direction = 'outbound'`,
    [input.messageId, input.orgId],
  );
  return rows[0] ?? null;
}
