import type { MikroORM } from '@mikro-orm/postgresql';
import { recordInboundMessage, type InboundMessage, type RecordedInbound } from '../../db/cases/record-inbound-message';
import { deliverStoredMessage } from '../case-lifecycle/deliver-stored-message';
import { toStorableText } from './storable-text';
import type { TemporalTarget } from '../case-lifecycle/start-case-workflow';

/**
 * Store, then signal: the message is durable before its case workflow hears of it, and every step
 * is idempotent, so a provider's retry after any failure stores nothing twice and loses nothing.
 * Only when this returns may the webhook answer 2xx. The message is stored marked pending until
 * its workflow has it: a provider that never retries (Twilio) leaves it to the redelivery sweep.
 */
export async function ingestCustomerMessage(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  message: InboundMessage;
}): Promise<RecordedInbound> {
  const recorded = await recordInboundMessage(input.orm.em.fork(), toStorableText(input.message), {
    markSignalPending: true,
  });
  const delivered = await deliverStoredMessage({
    orm: input.orm,
    temporal: input.temporal,
    messageId: recorded.messageId,
  });
  if (!delivered.openedFollowUp) return recorded;
  return {
    ...recorded,
    caseId: delivered.caseId,
    caseNumber: delivered.caseNumber,
    workflowId: delivered.workflowId,
    caseCreated: true,
  };
}
