import type { MikroORM } from '@mikro-orm/postgresql';
import { moveMessageToFollowUpCase } from '../../db/cases/follow-up-case';
import { loadCaseToStart } from '../../db/cases/case-to-start';
import { signalCustomerMessage, type TemporalTarget } from './start-case-workflow';

/**
 * A customer wrote on a thread whose case has ended: the message moves to a new case linked to
 * the old one. Idempotent: a retry finds the follow-up already made and only signals it again.
 */
export async function openFollowUpCase(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  orgId: string;
  previousCaseId: string;
  messageId: string;
}): Promise<{ caseId: string; caseNumber: number; workflowId: string }> {
  const em = input.orm.em.fork();
  const followUp = await moveMessageToFollowUpCase(em, input);
  await signalCustomerMessage({
    temporal: input.temporal,
    kase: await loadCaseToStart(em, followUp.caseId),
    message: { messageId: input.messageId, at: new Date(followUp.messageAt).getTime() },
  });
  return { caseId: followUp.caseId, caseNumber: followUp.number, workflowId: followUp.workflowId };
}
