import type { MikroORM } from '@mikro-orm/postgresql';
import { loadOrganizationForCases } from '../../db/cases/case-policy';
import { recordInboundMessage, type InboundMessage, type RecordedInbound } from '../../db/cases/record-inbound-message';
import { openFollowUpCase } from './open-follow-up-case';
import { signalCustomerMessage, type TemporalTarget } from './start-case-workflow';

/**
 * Store, then signal: the message is durable before its case workflow hears of it, and every step
 * is idempotent, so a provider's retry after any failure stores nothing twice and loses nothing.
 * Only when this returns may the webhook answer 2xx.
 */
export async function ingestCustomerMessage(input: { orm: MikroORM; temporal: TemporalTarget; message: InboundMessage }): Promise<RecordedInbound> {
  const em = input.orm.em.fork();
  const recorded = await recordInboundMessage(em, input.message);
  const organization = await loadOrganizationForCases(em, input.message.orgId);
  const labels: Array<{ subject: string; customer_label: string | null; opened_at: string }> = await em.execute(
    `select c.subject, coalesce(cu.name, cu.email::text, cu.phone) as customer_label, c.opened_at
     from cases c left join customers cu on cu.id = c.customer_id where c.id = ?`, [recorded.caseId]);
  const outcome = await signalCustomerMessage({
    temporal: input.temporal,
    kase: {
      caseId: recorded.caseId, orgId: organization.id, orgSlug: organization.slug, caseNumber: recorded.caseNumber,
      workflowId: recorded.workflowId, channel: input.message.channel, policy: organization.policy,
      openedAt: new Date(labels[0].opened_at).getTime(), subject: labels[0].subject, customerLabel: labels[0].customer_label,
    },
    message: { messageId: recorded.messageId, at: input.message.occurredAt.getTime() },
  });
  if (outcome === 'delivered') return recorded;
  // The case's workflow has completed (reopen window over, or archived): the message opens a linked case.
  const followUp = await openFollowUpCase({ orm: input.orm, temporal: input.temporal, orgId: organization.id, previousCaseId: recorded.caseId, messageId: recorded.messageId });
  const moved: Array<{ number: number }> = await em.execute(`select number from cases where id = ?`, [followUp.caseId]);
  return { ...recorded, caseId: followUp.caseId, caseNumber: moved[0].number, workflowId: followUp.workflowId, caseCreated: true };
}
