import { COMMENT_THREAD_CHANNELS } from '../../domain/channel-registry';
import { sendReplyUpdate } from '../../channels/outbound/record-reply';
import {
  clearReplyUpdatePending,
  deleteRefusedReply,
  failRefusedReply,
  storeAgentReply,
} from '../../db/cases/agent-replies';
import { uuidFromRequestKey } from '../http/idempotency';
import { problems } from '../http/problem';
import { StatusAnswer, type RouteTable } from '../openapi/route-table';
import { z } from '../openapi/zod';
import { findCallerCase } from './case-access';
import { caseIdParams, replyBody } from './case-schemas';
import { toCaseProblem } from './case-updates';
import { ensureCaseWorkflow } from './case-workflow';
import type { CaseRouteDeps } from './cases.routes';

const replyAnswer = z.object({ id: z.uuid(), deliveryStatus: z.string(), messagingTag: z.string().nullable() });

/**
 * Agent replies. The reply is stored (pending, marked) before the case workflow is asked to record
 * it, because the workflow's delivery reads it. It is deleted only when the workflow refused it;
 * when no answer came, the workflow may have it (and be sending it), so it stays pending and the
 * worker's sweep asks again with the same update id. That case answers 202, not a 5xx: a 5xx would
 * invite a retry, which without an Idempotency-Key is a second reply.
 */
export function addCaseReplyRoutes(table: RouteTable, deps: CaseRouteDeps): void {
  const em = () => deps.orm.em.fork();

  async function isCommentCase(caseId: string): Promise<boolean> {
    const rows: unknown[] = await em().execute(
      `select 1 from messages where case_id = ? and direction = 'inbound' and kind = 'comment'
         and channel in (${COMMENT_THREAD_CHANNELS.map(() => '?').join(', ')}) limit 1`,
      [caseId, ...COMMENT_THREAD_CHANNELS],
    );
    return rows.length > 0;
  }

  table.add({
    method: 'post',
    path: '/api/v1/cases/:id/replies',
    summary: "Reply to the customer through the case's channel",
    roles: ['admin', 'agent'],
    idempotent: true,
    params: caseIdParams,
    body: replyBody,
    response: replyAnswer,
    status: 201,
    otherResponses: {
      202: {
        description:
          'Stored, but the case did not confirm it in time (Temporal unreachable or slow): the reply stays pending and the worker settles it ' +
          '(sent, or failed with the reason). Do not send it again; read its deliveryStatus on the case.',
        schema: replyAnswer,
      },
    },
    handler: async ({ caller, params, body, requestKey }) => {
      const ref = await findCallerCase({ orm: deps.orm, caller, caseId: params.id });
      if (body.visibility === 'public' && !(await isCommentCase(ref.id))) {
        throw problems.validation([
          { field: 'body.visibility', message: 'Public replies are for Instagram and Facebook comment cases.' },
        ]);
      }
      const workflowId = await ensureCaseWorkflow({
        orm: deps.orm,
        temporal: { client: deps.temporal, taskQueue: deps.taskQueue },
        kase: ref,
      });
      const messageId = uuidFromRequestKey({ requestKey, purpose: 'reply' });
      const stored = await storeAgentReply(em(), {
        messageId,
        caseId: ref.id,
        authorUserId: caller.userId,
        body: body.body,
        visibility: body.visibility,
      });
      const answered = await sendReplyUpdate({
        temporal: deps.temporal,
        workflowId,
        messageId,
        authorUserId: caller.userId,
        deadlineMs: deps.updateDeadlineMs,
      });
      switch (answered.outcome) {
        case 'recorded':
        case 'already_recorded':
          await clearReplyUpdatePending(em(), messageId);
          return {
            id: messageId,
            deliveryStatus: 'pending',
            messagingTag: answered.outcome === 'recorded' ? answered.messagingTag : null,
          };
        case 'refused':
          // Stored by an earlier attempt of this request, it may have been shown (or recorded before the case ended): kept, as failed.
          if (stored === 'new') await deleteRefusedReply(em(), messageId);
          else await failRefusedReply(em(), { messageId, reason: answered.reason });
          throw toCaseProblem(answered.error);
        case 'unknown':
          return new StatusAnswer(202, { id: messageId, deliveryStatus: 'pending', messagingTag: null });
      }
    },
  });
}
