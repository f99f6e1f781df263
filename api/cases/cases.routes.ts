import { z } from '../openapi/zod';
import { findCaseRef, loadCaseThread, loadCaseView } from '../../db/cases/case-views';
import { countInboxCases } from '../../db/inbox/count-inbox-cases';
import type { InboxQuery } from '../../db/inbox/inbox-query';
import { InboxQueryError } from '../../db/inbox/inbox-query-error';
import { listInboxCases } from '../../db/inbox/list-inbox-cases';
import { createCase } from '../../app/cases/create-case';
import { partnerScope, type CaseActionDeps } from '../../app/cases/case-actor';
import type { Caller } from '../auth/authenticate';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import { caseIdParams, caseViewSchema, countsQuerySchema, createCaseBody, inboxQuerySchema } from './case-schemas';

function toInboxQuery(caller: Caller, query: z.infer<typeof countsQuerySchema>): InboxQuery {
  return {
    orgId: caller.orgId,
    userId: caller.userId,
    now: new Date(),
    statuses: query.status,
    channels: query.channel,
    categoryIds: query.category,
    assigneeIds: query.assignee,
    archived: query.archived,
    q: query.q,
    createdByUserId: partnerScope(caller) ?? undefined,
  };
}

async function inboxCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InboxQueryError)
      throw problems.validation([{ field: `query.${error.field}`, message: error.message }]);
    throw error;
  }
}

/** The inbox, its counts, one case in full, and case creation. */
export function addCaseRoutes(table: RouteTable, deps: CaseActionDeps): void {
  const em = () => deps.orm.em.fork();

  table.add({
    method: 'get',
    path: '/api/v1/cases',
    summary: 'The inbox: filtered, searched, paginated',
    roles: ['admin', 'agent', 'partner'],
    query: inboxQuerySchema,
    response: z.object({ items: z.array(z.unknown()), nextCursor: z.string().nullable() }),
    handler: ({ caller, query }) =>
      inboxCall(() =>
        listInboxCases(em(), {
          query: toInboxQuery(caller, query),
          filter: query.filter,
          sort: query.sort,
          cursor: query.cursor,
          limit: query.limit,
        }),
      ),
  });

  table.add({
    method: 'get',
    path: '/api/v1/cases/counts',
    summary: 'The count of every quick filter',
    roles: ['admin', 'agent', 'partner'],
    query: countsQuerySchema,
    response: z.record(z.string(), z.number()),
    handler: ({ caller, query }) => inboxCall(() => countInboxCases(em(), { query: toInboxQuery(caller, query) })),
  });

  table.add({
    method: 'get',
    path: '/api/v1/cases/:id',
    summary: 'A case with its customer, device, thread and timeline',
    roles: ['admin', 'agent', 'partner'],
    params: caseIdParams,
    response: caseViewSchema.extend({ messages: z.array(z.unknown()), timeline: z.array(z.unknown()) }),
    handler: async ({ caller, params }) => {
      const ref = await findCaseRef(em(), {
        orgId: caller.orgId,
        caseId: params.id,
        createdByUserId: partnerScope(caller),
      });
      const view = ref && (await loadCaseView(em(), { orgId: caller.orgId, caseId: ref.id }));
      if (!view) throw problems.notFound('No such case in your organization.');
      return { ...view, ...(await loadCaseThread(em(), { orgId: caller.orgId, caseId: ref.id })) };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/cases',
    summary: 'Create a case (manual by agents, partner by partner users)',
    roles: ['admin', 'agent', 'partner'],
    idempotent: true,
    body: createCaseBody,
    response: caseViewSchema,
    status: 201,
    handler: ({ caller, body }) => createCase(deps, caller, body),
  });
}
