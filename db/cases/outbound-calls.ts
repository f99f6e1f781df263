import type { EntityManager } from '@mikro-orm/postgresql';

/** The organization's first enabled phone connection: its number and encrypted Twilio credentials. */
export async function findPhoneConnection(
  em: EntityManager,
  orgId: string,
): Promise<{ number: string; credentialsEncrypted: string } | null> {
  const rows: Array<{ external_id: string; credentials_encrypted: string | null }> = await em.execute(
    `select external_id, credentials_encrypted from channel_connections where org_id = ? and channel = 'phone' and enabled order by created_at limit 1`,
    [orgId],
  );
  const row = rows[0];
  return row?.credentials_encrypted
    ? { number: row.external_id, credentialsEncrypted: row.credentials_encrypted }
    : null;
}

export async function findCaseCustomerPhone(em: EntityManager, caseId: string): Promise<string | null> {
  const rows: Array<{ phone: string | null }> = await em.execute(
    `select cu.phone from cases c join customers cu on cu.id = c.customer_id where c.id = ?`,
    [caseId],
  );
  return rows[0]?.phone ?? null;
}

/** A placed call, as an outbound `call` message of its case; the case's last message follows it. */
export async function recordOutboundCall(
  em: EntityManager,
  input: { orgId: string; caseId: string; userId: string; from: string; to: string; callSid: string },
): Promise<string> {
  const metadata = {
    callSid: input.callSid,
    direction: 'outbound-api',
    from: input.from,
    to: input.to,
    status: 'queued',
  };
  const snippet = `Outbound call to ${input.to}`;
  return em.transactional(async (tx) => {
    const rows: Array<{ id: string }> = await tx.execute(
      `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, author_user_id, provider_message_id, body,
         metadata, delivery_status, sent_at, occurred_at)
       select org_id, id, thread_id, 'phone', 'outbound', 'call', 'agent', ?, ?, ?, ?::jsonb, 'sent', now(), now() from cases where id = ? and org_id = ? returning id`,
      [input.userId, input.callSid, snippet, JSON.stringify(metadata), input.caseId, input.orgId],
    );
    await tx.execute(
      `update cases set last_message_at = now(), last_message_snippet = ?, updated_at = now() where id = ?`,
      [snippet, input.caseId],
    );
    return rows[0].id;
  });
}
