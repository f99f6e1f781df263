import type { EntityManager } from '@mikro-orm/postgresql';

/** A widget conversation is a thread whose external ref names it, owned by the visitor whose identity its customer has. */
interface WidgetConversation {
  orgId: string;
  threadRef: string;
  visitorId: string;
}

/** Whether the visitor owns the conversation's thread; null when the conversation has no thread yet. */
export async function findWidgetThreadOwnership(
  em: EntityManager,
  input: WidgetConversation,
): Promise<{ owned: boolean } | null> {
  const rows: Array<{ owned: boolean }> = await em.execute(
    `select exists (select 1 from customer_identities ci where ci.customer_id = t.customer_id and ci.org_id = t.org_id and ci.channel = 'widget' and ci.external_id = ?) as owned
     from threads t where t.org_id = ? and t.channel = 'widget' and t.external_ref = ?`,
    [input.visitorId, input.orgId, input.threadRef],
  );
  return rows[0] ?? null;
}

/** The conversation's thread when the visitor owns it, otherwise null. */
export async function findVisitorThread(em: EntityManager, input: WidgetConversation): Promise<string | null> {
  const rows: Array<{ id: string }> = await em.execute(
    `select t.id from threads t join customer_identities ci on ci.customer_id = t.customer_id and ci.org_id = t.org_id and ci.channel = 'widget'
     where t.org_id = ? and t.channel = 'widget' and t.external_ref = ? and ci.external_id = ?`,
    [input.orgId, input.threadRef, input.visitorId],
  );
  return rows[0]?.id ?? null;
}
