import type { Orm } from '../../db/orm';
import type { SentMessage } from './soak-traffic';

export interface SoakCheck {
  sent: number;
  acknowledged: number;
  stored: number;
  /** Acknowledged but not stored. */
  lost: number;
  duplicates: number;
  cases: number;
  /** Cases whose read model does not show their customer's latest acknowledged message after the wait. */
  casesBehind: number;
}

/** Waits up to two minutes for the worker to catch up, then counts. */
export async function checkNothingLost(input: {
  orm: Orm;
  orgId: string;
  messages: SentMessage[];
}): Promise<SoakCheck> {
  const acknowledged = input.messages.filter((message) => message.acknowledged);
  const latest = new Map<string, number>();
  for (const message of acknowledged)
    latest.set(message.customerId, Math.max(latest.get(message.customerId) ?? 0, message.at));

  const deadline = Date.now() + 120_000;
  let behind = latest.size;
  let caseCount = 0;
  while (Date.now() < deadline) {
    const cases: Array<{ external_id: string; last_customer_message_at: string | null }> = await input.orm.em
      .fork()
      .execute(
        `select ci.external_id, c.last_customer_message_at from cases c join customer_identities ci on ci.customer_id = c.customer_id where c.org_id = ?`,
        [input.orgId],
      );
    caseCount = cases.length;
    const seen = new Map(
      cases.map((row) => [
        row.external_id,
        row.last_customer_message_at === null ? 0 : new Date(row.last_customer_message_at).getTime(),
      ]),
    );
    behind = [...latest.entries()].filter(([customer, at]) => seen.get(customer) !== at).length;
    if (behind === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }

  const rows: Array<{ provider_message_id: string; copies: string }> = await input.orm.em
    .fork()
    .execute(
      `select provider_message_id, count(*) as copies from messages where org_id = ? group by provider_message_id`,
      [input.orgId],
    );
  const copies = new Map(rows.map((row) => [row.provider_message_id, Number(row.copies)]));
  return {
    sent: input.messages.length,
    acknowledged: acknowledged.length,
    stored: copies.size,
    lost: acknowledged.filter((message) => !copies.has(message.mid)).length,
    duplicates: [...copies.values()].filter((count) => count > 1).length,
    cases: caseCount,
    casesBehind: behind,
  };
}
