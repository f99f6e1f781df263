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
} from '../../app/cases/case-actions';
import { addCaseNote, linkDeviceToCase, markCaseReadFor } from '../../app/cases/case-annotations';
import type { CaseActionDeps } from '../../app/cases/case-actor';
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
  const lifecycle = {
    method: 'post' as const,
    roles: agents,
    idempotent: true as const,
    params: caseIdParams,
    response: caseViewSchema,
  };

  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/status',
    summary: 'Change the status',
    body: statusBody,
    handler: ({ caller, params, body, requestKey }) =>
      changeCaseStatus(deps, caller, { caseId: params.id, requestKey, status: body.status }),
  });
  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/assign',
    summary: 'Assign to a team member (null unassigns)',
    body: assignBody,
    handler: ({ caller, params, body, requestKey }) =>
      assignCase(deps, caller, { caseId: params.id, requestKey, assigneeId: body.assigneeId }),
  });
  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/category',
    summary: 'Set the category (an agent override always wins)',
    body: categoryBody,
    handler: ({ caller, params, body, requestKey }) =>
      setCaseCategory(deps, caller, { caseId: params.id, requestKey, categoryId: body.categoryId }),
  });
  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/important',
    summary: 'Mark or unmark important',
    body: importantBody,
    handler: ({ caller, params, body, requestKey }) =>
      markCaseImportant(deps, caller, { caseId: params.id, requestKey, important: body.important }),
  });
  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/archive',
    summary: 'Archive a resolved case',
    body: emptyBody,
    handler: ({ caller, params, requestKey }) => archiveCase(deps, caller, { caseId: params.id, requestKey }),
  });
  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/reopen',
    summary: 'Reopen a resolved case',
    body: emptyBody,
    handler: ({ caller, params, requestKey }) => reopenCase(deps, caller, { caseId: params.id, requestKey }),
  });
  table.add({
    ...lifecycle,
    path: '/api/v1/cases/:id/triage',
    summary: 'Run a failed triage (categorization, routing) again; 409 if it fails again or had not failed',
    body: emptyBody,
    handler: ({ caller, params, requestKey }) => retryCaseTriage(deps, caller, { caseId: params.id, requestKey }),
  });

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
    ...lifecycle,
    path: '/api/v1/cases/:id/device',
    summary: 'Link a device (null unlinks)',
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
