import type { MikroORM } from '@mikro-orm/postgresql';
import { clearSignalPending } from '../../db/cases/pending-marks';
import { loadCaseToStart } from '../../db/cases/case-to-start';
import { findStoredMessage } from '../../db/messages/stored-message';
import { openFollowUpCase } from './open-follow-up-case';
import { signalCustomerMessage, type TemporalTarget } from './start-case-workflow';

export interface DeliveredMessage {
  caseId: string;
  caseNumber: number;
  workflowId: string;
  /** The message's case had ended, so it went to a new case linked to that one. */
  openedFollowUp: boolean;
}

/**
 * Store-then-signal, the signal half, for a message already stored: tells its case workflow
 * (starting it if needed), or opens the follow-up case when that workflow has ended, then clears
 * the message's pending mark. Ingest calls it right after storing; the redelivery sweep calls it
 * again for whatever stayed marked. Every step is idempotent, so calling it twice is harmless.
 */
export async function deliverStoredMessage(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  messageId: string;
}): Promise<DeliveredMessage> {
  const em = input.orm.em.fork();
  const stored = await findStoredMessage(em, input.messageId);
  if (!stored) throw new Error(`message ${input.messageId} not found`);
  const kase = await loadCaseToStart(em, stored.caseId);
  const outcome = await signalCustomerMessage({
    temporal: input.temporal,
    kase,
    message: { messageId: input.messageId, at: new Date(stored.occurredAt).getTime() },
  });
  if (outcome === 'delivered') {
    await clearSignalPending(em, input.messageId);
    return { caseId: kase.caseId, caseNumber: kase.caseNumber, workflowId: kase.workflowId, openedFollowUp: false };
  }
  // The case's workflow has completed (reopen window over, or archived): the message opens a linked case.
  const followUp = await openFollowUpCase({
    orm: input.orm,
    temporal: input.temporal,
    orgId: kase.orgId,
    previousCaseId: kase.caseId,
    messageId: input.messageId,
  });
  await clearSignalPending(em, input.messageId);
  return {
    caseId: followUp.caseId,
    caseNumber: followUp.caseNumber,
    workflowId: followUp.workflowId,
    openedFollowUp: true,
  };
}
