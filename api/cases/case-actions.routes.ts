import { z } from '../openapi/zod';
import { applyBulkCaseAction } from '../../app/cases/bulk-case-action';
import {
  archiveCase,
  assignCase,
  changeCaseStatus,
  markCaseImportant,
  reopenCase,
  retryCaseTriage,
  setCaseCategory,
  type CaseRequest,
} from '../../app/cases/case-actions';
import { addCaseNote, linkDeviceToCase, markCaseReadFor } from '../../app/cases/case-annotations';
import type { CaseActionDeps } from '../../app/cases/case-actor';
import type { Caller } from '../auth/authenticate';
import { toProblem } from '../http/error-middleware';
import type { Role, RouteTable } from '../openapi/route-table';
import {
  assignBody,
  bulkBody,
  caseIdParams,
  caseViewSchema,
  categoryBody,
  deviceBody,
  emptyBody,
  importantBody,
  noteBody,
  statusBody,
} from './case-schemas';

const agents: Role[] = ['admin', 'agent'];
const everyone: Role[] = ['admin', 'agent', 'partner'];

/** Agent actions on one case or many: each route is one call of its action in app/cases/. */
export function addCaseActionRoutes(table: RouteTable, deps: CaseActionDeps): void {
  /** A change of the case's lifecycle: answered with the case as persisted after it. */
  function lifecycleRoute<Body extends z.ZodType>(
    action: string,
    summary: string,
    body: Body,
    act: (caller: Caller, request: CaseRequest, body: z.infer<Body>) => Promise<unknown>,
  ): void {
    table.add({
      method: 'post',
      path: `/api/v1/cases/:id/${action}`,
      summary,
      roles: agents,
      idempotent: true,
      params: caseIdParams,
      body,
      response: caseViewSchema,
      handler: ({ caller, params, body: parsed, requestKey }) =>
        act(caller, { caseId: params.id, requestKey }, parsed as z.infer<Body>),
    });
  }

  lifecycleRoute('status', 'Change the status', statusBody, (caller, request, body) =>
    changeCaseStatus(deps, caller, { ...request, status: body.status }),
  );
  lifecycleRoute('assign', 'Assign to a team member (null unassigns)', assignBody, (caller, request, body) =>
    assignCase(deps, caller, { ...request, assigneeId: body.assigneeId }),
  );
  lifecycleRoute(
    'category',
    'Set the category (an agent override always wins)',
    categoryBody,
    (caller, request, body) => setCaseCategory(deps, caller, { ...request, categoryId: body.categoryId }),
  );
  lifecycleRoute('important', 'Mark or unmark important', importantBody, (caller, request, body) =>
    markCaseImportant(deps, caller, { ...request, important: body.important }),
  );
  lifecycleRoute('archive', 'Archive a resolved case', emptyBody, (caller, request) =>
    archiveCase(deps, caller, request),
  );
  lifecycleRoute('reopen', 'Reopen a resolved case', emptyBody, (caller, request) => reopenCase(deps, caller, request));
  lifecycleRoute(
    'triage',
    'Run a failed triage (categorization, routing) again; 409 if it fails again or had not failed',
    emptyBody,
    (caller, request) => retryCaseTriage(deps, caller, request),
  );

  table.add({
    method: 'post',
    path: '/api/v1/cases/bulk',
    summary: 'Apply one action (status, assign, category, archive) to up to 500 cases',
    roles: agents,
    idempotent: true,
    body: bulkBody,
    response: z.object({
      results: z.array(
        z.object({ caseId: z.string(), ok: z.boolean(), status: z.number().int(), detail: z.string().optional() }),
      ),
    }),
    handler: async ({ caller, body, requestKey }) => {
      const { caseIds, ...action } = body;
      const outcomes = await applyBulkCaseAction(deps, caller, { caseIds, requestKey, action });
      const results = outcomes.map((outcome) => {
        if (outcome.ok) return { caseId: outcome.caseId, ok: true, status: 200 };
        const problem = toProblem(outcome.error);
        return { caseId: outcome.caseId, ok: false, status: problem.status, detail: problem.detail };
      });
      return { results };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/cases/:id/device',
    summary: 'Link a device (null unlinks)',
    roles: agents,
    idempotent: true,
    params: caseIdParams,
    response: caseViewSchema,
    body: deviceBody,
    handler: ({ caller, params, body }) =>
      linkDeviceToCase(deps, caller, { caseId: params.id, deviceId: body.deviceId }),
  });

  for (const read of [true, false]) {
    table.add({
      method: 'post',
      path: `/api/v1/cases/:id/${read ? 'read' : 'unread'}`,
      summary: read ? 'Mark read for me' : 'Mark unread for me',
      roles: everyone,
      idempotent: true,
      params: caseIdParams,
      body: emptyBody,
      response: z.object({ unread: z.boolean() }),
      handler: ({ caller, params }) => markCaseReadFor(deps, caller, { caseId: params.id, read }),
    });
  }

  table.add({
    method: 'post',
    path: '/api/v1/cases/:id/notes',
    summary: 'Add an internal note (never sent to the customer)',
    roles: everyone,
    idempotent: true,
    params: caseIdParams,
    body: noteBody,
    response: z.object({ id: z.uuid() }),
    status: 201,
    handler: ({ caller, params, body, requestKey }) =>
      addCaseNote(deps, caller, { caseId: params.id, requestKey, body: body.body }),
  });
}
