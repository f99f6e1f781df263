import {
  clearReplyUpdatePending,
  deleteRefusedReply,
  failRefusedReply,
  storeAgentReply,
} from '../../db/cases/agent-replies';
import { isCommentCase } from '../../db/cases/case-references';
import { clearWorkflowStartPending } from '../../db/cases/pending-marks';
import type { MessagingTag } from '../../domain/case.model';
import { sendReplyUpdate } from '../case-lifecycle/record-reply';
import { appErrors } from '../app-error';
import { uuidFromRequestKey } from '../request-ids';
import type { CaseActionDeps, CaseActor } from './case-actor';
import type { CaseRequest } from './case-actions';
import { toCaseActionError } from './case-errors';
import { findActorCase } from './find-actor-case';
import { startIfPending } from './run-case-update';

export interface StoredReply {
  id: string;
  deliveryStatus: 'pending';
  messagingTag: MessagingTag | null;
  /** The case has not confirmed it yet (Temporal unreachable or slow): the worker's sweep settles it. */
  confirmed: boolean;
}

/**
 * An agent's reply through the case's channel. The reply is stored (pending, marked) before the case
 * workflow is asked to record it, because the workflow's delivery reads it. It is deleted only when
 * the workflow refused it; when no answer came, the workflow may have it (and be sending it), so it
 * stays pending and the worker's sweep asks again with the same update id.
 */
export async function replyToCase(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest & { body: string; visibility: 'private' | 'public' },
): Promise<StoredReply> {
  const em = deps.orm.em.fork();
  const kase = await findActorCase(em, actor, request.caseId);
  if (request.visibility === 'public' && !(await isCommentCase(em, kase.id)))
    throw appErrors.invalidField('visibility', 'Public replies are for Instagram and Facebook comment cases.');
  const messageId = uuidFromRequestKey({ requestKey: request.requestKey, purpose: 'reply' });
  const stored = await storeAgentReply(em, {
    messageId,
    caseId: kase.id,
    authorUserId: actor.userId,
    body: request.body,
    visibility: request.visibility,
  });
  const answered = await sendReplyUpdate({
    temporal: deps.temporal,
    workflowId: kase.workflowId,
    startIfPending: await startIfPending(deps, kase),
    messageId,
    authorUserId: actor.userId,
    deadlineMs: deps.updateDeadlineMs,
  });
  // Any answer from the case means its pending start (if any) happened with this update.
  if (kase.workflowStartPending && answered.outcome !== 'unknown') await clearWorkflowStartPending(em, kase.id);
  switch (answered.outcome) {
    case 'recorded':
    case 'already_recorded':
      await clearReplyUpdatePending(em, messageId);
      return {
        id: messageId,
        deliveryStatus: 'pending',
        messagingTag: answered.outcome === 'recorded' ? answered.messagingTag : null,
        confirmed: true,
      };
    case 'refused':
      // Stored by an earlier attempt of this request, it may have been shown (or recorded before the case ended): kept, as failed.
      if (stored === 'new') await deleteRefusedReply(em, messageId);
      else await failRefusedReply(em, { messageId, reason: answered.reason });
      throw toCaseActionError(answered.error);
    case 'unknown':
      return { id: messageId, deliveryStatus: 'pending', messagingTag: null, confirmed: false };
  }
}
