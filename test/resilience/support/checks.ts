import type { Orm } from '../../../db/orm';
import type { FakeSlackApi } from '../../fakes/fake-slack-api';

/** How many times each provider message id is stored in the organization: found, missing and duplicated ids. */
export async function countByMessage(
  orm: Orm,
  input: { orgId: string; providerMessageIds: string[] },
): Promise<{ found: number; missing: string[]; duplicated: string[] }> {
  const rows: Array<{ provider_message_id: string; copies: string }> = await orm.em
    .fork()
    .execute(
      `select provider_message_id, count(*) as copies from messages where org_id = ? and direction = 'inbound' group by provider_message_id`,
      [input.orgId],
    );
  const copies = new Map(rows.map((row) => [row.provider_message_id, Number(row.copies)]));
  return {
    found: input.providerMessageIds.filter((id) => copies.has(id)).length,
    missing: input.providerMessageIds.filter((id) => !copies.has(id)),
    duplicated: [...copies.entries()].filter(([, count]) => count > 1).map(([id]) => id),
  };
}

interface SlackMetadata {
  event_payload?: { caseId?: string; notificationKey?: string };
}

/** Posts Slack accepted, per case: root messages and thread replies. */
export function slackPostsByCase(slack: FakeSlackApi): Map<string, { roots: number; replies: number }> {
  const byCase = new Map<string, { roots: number; replies: number }>();
  for (const call of slack.succeeded('chat.postMessage')) {
    const caseId = (call.args.metadata as SlackMetadata | undefined)?.event_payload?.caseId ?? 'unknown';
    const counts = byCase.get(caseId) ?? { roots: 0, replies: 0 };
    if (call.args.thread_ts) counts.replies += 1;
    else counts.roots += 1;
    byCase.set(caseId, counts);
  }
  return byCase;
}

/** Fails on any (case, notification) posted more than once; returns how many were (0). */
export function expectSlackOncePerEvent(slack: FakeSlackApi): number {
  const seen = new Map<string, number>();
  for (const call of slack.succeeded('chat.postMessage')) {
    const payload = (call.args.metadata as SlackMetadata | undefined)?.event_payload;
    const key = `${payload?.caseId}:${payload?.notificationKey}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const repeated = [...seen.entries()].filter(([, count]) => count > 1);
  expect(repeated).toEqual([]);
  return repeated.length;
}

export interface CustomerCase {
  id: string;
  customer: string;
  status: string;
  messages: number;
  latestCustomerMessageAt: number | null;
}

/** One row per case of the organization, keyed by the customer's channel id. */
export async function customerCases(orm: Orm, orgId: string): Promise<CustomerCase[]> {
  const rows: Array<{
    id: string;
    external_id: string;
    status: string;
    last_customer_message_at: string | null;
    messages: string;
  }> = await orm.em.fork().execute(
    `select c.id, ci.external_id, c.status, c.last_customer_message_at, (select count(*) from messages m where m.case_id = c.id) as messages
     from cases c join customer_identities ci on ci.customer_id = c.customer_id where c.org_id = ?`,
    [orgId],
  );
  return rows.map((row) => ({
    id: row.id,
    customer: row.external_id,
    status: row.status,
    messages: Number(row.messages),
    latestCustomerMessageAt:
      row.last_customer_message_at === null ? null : new Date(row.last_customer_message_at).getTime(),
  }));
}

/** Waits until each customer's case shows its latest message as the workflow saw it (the read model is written by the worker). */
export async function waitForCasesCaughtUp(
  orm: Orm,
  input: { orgId: string; latestByCustomer: Map<string, number>; timeoutMs?: number },
): Promise<CustomerCase[]> {
  const deadline = Date.now() + (input.timeoutMs ?? 90_000);
  for (;;) {
    const cases = await customerCases(orm, input.orgId);
    const caughtUp =
      cases.length === input.latestByCustomer.size &&
      cases.every((kase) => kase.latestCustomerMessageAt === input.latestByCustomer.get(kase.customer));
    if (caughtUp || Date.now() > deadline) return cases;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
