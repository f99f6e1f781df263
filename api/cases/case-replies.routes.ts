import type { CaseActionDeps } from '../../app/cases/case-actor';
import { replyToCase } from '../../app/cases/reply-to-case';
import { StatusAnswer, type RouteTable } from '../openapi/route-table';
import { z } from '../openapi/zod';
import { caseIdParams, replyBody } from './case-schemas';

const replyAnswer = z.object({ id: z.uuid(), deliveryStatus: z.string(), messagingTag: z.string().nullable() });

/**
 * Agent replies (app/cases/reply-to-case.ts). A reply the case did not confirm in time answers 202,
 * not a 5xx: a 5xx would invite a retry, which without an Idempotency-Key is a second reply.
 */
export function addCaseReplyRoutes(table: RouteTable, deps: CaseActionDeps): void {
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
      const { confirmed, ...reply } = await replyToCase(deps, caller, { caseId: params.id, requestKey, ...body });
      return confirmed ? reply : new StatusAnswer(202, reply);
    },
  });
}
