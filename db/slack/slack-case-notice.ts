import type { EntityManager } from '@mikro-orm/postgresql';

/** What a Slack post about a case shows and where it goes: the case, the organization's Slack connection, the case's thread. */
export interface SlackCaseRow {
  number: number;
  subject: string | null;
  status: string | null;
  channel: string | null;
  category_id: string | null;
  customer_name: string | null;
  category_name: string | null;
  /** The category's own channel, if it has one. */
  slack_channel: string | null;
  assignee_name: string | null;
  bot_token_encrypted: string | null;
  default_channel: string | null;
  /** Category id → channel, set on the connection. */
  category_channels: Record<string, string> | null;
  /** Null when the organization has no Slack connection. */
  enabled: boolean | null;
  /** The thread's channel and root message, once the case was announced. */
  channel_id: string | null;
  root_ts: string | null;
  /** The case's first and latest customer messages. */
  snippet: string | null;
  latest_customer_message: string | null;
}

/** Null when the case is not in the organization. */
export async function findSlackCaseRow(
  em: EntityManager,
  input: { orgId: string; caseId: string },
): Promise<SlackCaseRow | null> {
  const rows: SlackCaseRow[] = await em.execute(
    `select c.number, c.subject, c.status, c.channel, c.category_id, cu.name as customer_name, cat.name as category_name, cat.slack_channel,
            u.name as assignee_name, sc.bot_token_encrypted, sc.default_channel, sc.category_channels, sc.enabled, st.channel_id, st.root_ts,
            (select m.body from messages m where m.case_id = c.id and m.direction = 'inbound' order by m.occurred_at limit 1) as snippet,
            (select m.body from messages m where m.case_id = c.id and m.direction = 'inbound' order by m.occurred_at desc limit 1) as latest_customer_message
     from cases c
     left join slack_connections sc on sc.org_id = c.org_id
     left join customers cu on cu.id = c.customer_id
     left join categories cat on cat.id = c.category_id
     left join users u on u.id = c.assignee_id
     left join slack_threads st on st.case_id = c.id
     where c.id = ? and c.org_id = ?`,
    [input.caseId, input.orgId],
  );
  return rows[0] ?? null;
}

/** The case's root message in Slack; the first one recorded stays. */
export async function recordSlackThread(
  em: EntityManager,
  input: { orgId: string; caseId: string; channelId: string; rootTs: string },
): Promise<void> {
  await em.execute(
    `insert into slack_threads (case_id, org_id, channel_id, root_ts) values (?, ?, ?, ?) on conflict (case_id) do nothing`,
    [input.caseId, input.orgId, input.channelId, input.rootTs],
  );
}
