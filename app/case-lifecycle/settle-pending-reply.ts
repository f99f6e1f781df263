import type { MikroORM } from '@mikro-orm/postgresql';
import { clearReplyUpdatePending, failRefusedReply, loadPendingAgentReply } from '../../db/cases/agent-replies';
import { startStoredCase } from './start-stored-case';
import type { TemporalTarget } from './start-case-workflow';
import { sendReplyUpdate } from './record-reply';

export type SettledReply = 'recorded' | 'already_recorded' | 'failed' | 'gone';

/**
 * A stored reply whose update had no answer: asks its case again, with the same update id. Recorded
 * (now or before) clears the mark; refused now (window closed, case ended) shows it as failed with
 * the reason, since it was shown as pending; no answer again throws, and the mark stays for the next sweep.
 */
export async function settlePendingReply(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  messageId: string;
  deadlineMs?: number;
}): Promise<SettledReply> {
  const em = input.orm.em.fork();
  const reply = await loadPendingAgentReply(em, input.messageId);
  if (!reply) return 'gone';
  if (reply.workflowStartPending)
    await startStoredCase({ orm: input.orm, temporal: input.temporal, caseId: reply.caseId });
  const answered = await sendReplyUpdate({
    temporal: input.temporal,
    workflowId: reply.workflowId,
    messageId: reply.messageId,
    authorUserId: reply.authorUserId,
    deadlineMs: input.deadlineMs,
  });
  if (answered.outcome === 'unknown') throw answered.error;
  if (answered.outcome === 'refused') {
    await failRefusedReply(em, { messageId: reply.messageId, reason: answered.reason });
    return 'failed';
  }
  await clearReplyUpdatePending(em, reply.messageId);
  return answered.outcome;
}
