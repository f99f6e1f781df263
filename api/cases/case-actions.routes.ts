import { z } from '../openapi/zod';
import type { UpdateDefinition } from '@temporalio/common';
import { loadCaseView, type CaseRef } from '../../db/cases/case-views';
import {
  archiveUpdate,
  assignUpdate,
  markImportantUpdate,
  reopenUpdate,
  retryTriageUpdate,
  setCategoryUpdate,
  setStatusUpdate,
  type Actor,
  type CaseSnapshot,
} from '../../workflows/case.contract';
import type { Caller } from '../auth/authenticate';
import { uuidFromRequestKey } from '../http/idempotency';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import { toProblem } from '../http/error-middleware';
import { findCallerCase } from './case-access';
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
import { runCaseUpdate } from './case-updates';
import { ensureCaseWorkflow } from './case-workflow';
import type { CaseRouteDeps } from './cases.routes';
import { mapWithConcurrency } from './map-with-concurrency';

const BULK_CONCURRENCY = 8;

const actorOf = (caller: Caller): Actor => ({
  type: caller.role === 'partner' ? 'partner' : 'agent',
  userId: caller.userId,
});

/** Agent actions on one case. Lifecycle changes go to the case workflow; the answer is the persisted result. */
export function addCaseActionRoutes(table: RouteTable, deps: CaseRouteDeps): void {
  const em = () => deps.orm.em.fork();
  const caseOf = (caller: Caller, caseId: string) => findCallerCase({ orm: deps.orm, caller, caseId });

  async function viewAfter(caller: Caller, ref: CaseRef) {
    return loadCaseView(em(), { orgId: caller.orgId, caseId: ref.id });
  }

  /** Each lifecycle action: how its body becomes the workflow update's argument. One place for single and bulk use. */
  const actions = {
    status: {
      update: setStatusUpdate,
      body: statusBody,
      summary: 'Change the status',
      toArg: (body: z.infer<typeof statusBody>, caller: Caller) => ({ to: body.status, actor: actorOf(caller) }),
    },
    assign: {
      update: assignUpdate,
      body: assignBody,
      summary: 'Assign to a team member (null unassigns)',
      toArg: async (body: z.infer<typeof assignBody>, caller: Caller) => {
        if (body.assigneeId !== null) {
          const users: unknown[] = await em().execute(
            `select 1 from users where id = ? and org_id = ? and role in ('admin', 'agent') and deactivated_at is null`,
            [body.assigneeId, caller.orgId],
          );
          if (users.length === 0)
            throw problems.validation([
              { field: 'body.assigneeId', message: 'No active agent with this id in your organization.' },
            ]);
        }
        return { assigneeId: body.assigneeId, actor: actorOf(caller) };
      },
    },
    category: {
      update: setCategoryUpdate,
      body: categoryBody,
      summary: 'Set the category (an agent override always wins)',
      toArg: async (body: z.infer<typeof categoryBody>, caller: Caller) => {
        if (body.categoryId === null)
          return { categoryId: null, categoryName: null, autoResolve: false, actor: actorOf(caller) };
        const rows: Array<{ name: string; auto_resolve: boolean }> = await em().execute(
          `select name, auto_resolve from categories where id = ? and org_id = ? and deleted_at is null`,
          [body.categoryId, caller.orgId],
        );
        if (!rows[0])
          throw problems.validation([{ field: 'body.categoryId', message: 'No such category in your organization.' }]);
        return {
          categoryId: body.categoryId,
          categoryName: rows[0].name,
          autoResolve: rows[0].auto_resolve,
          actor: actorOf(caller),
        };
      },
    },
    important: {
      update: markImportantUpdate,
      body: importantBody,
      summary: 'Mark or unmark important',
      toArg: (body: z.infer<typeof importantBody>, caller: Caller) => ({
        important: body.important,
        actor: actorOf(caller),
      }),
    },
    archive: {
      update: archiveUpdate,
      body: emptyBody,
      summary: 'Archive a resolved case',
      toArg: (_body: unknown, caller: Caller) => ({ actor: actorOf(caller) }),
    },
    reopen: {
      update: reopenUpdate,
      body: emptyBody,
      summary: 'Reopen a resolved case',
      toArg: (_body: unknown, caller: Caller) => ({ actor: actorOf(caller) }),
    },
    triage: {
      update: retryTriageUpdate,
      body: emptyBody,
      summary: 'Run a failed triage (categorization, routing) again; 409 if it fails again or had not failed',
      toArg: (_body: unknown, caller: Caller) => ({ actor: actorOf(caller) }),
      // Triage retries its own steps (about 15 s, longer with an LLM) before it answers.
      deadlineMs: 120_000,
    },
  } as const;

  /** `requestKey` names the update: a retry of the request (same Idempotency-Key) attaches to the first attempt's. */
  async function perform(input: {
    caller: Caller;
    caseId: string;
    action: keyof typeof actions;
    body: unknown;
    requestKey: string;
  }) {
    const ref = await caseOf(input.caller, input.caseId);
    const action = actions[input.action] as {
      update: UpdateDefinition<CaseSnapshot, [unknown]>;
      toArg: (body: unknown, caller: Caller) => unknown;
      deadlineMs?: number;
    };
    const workflowId = await ensureCaseWorkflow({
      orm: deps.orm,
      temporal: { client: deps.temporal, taskQueue: deps.taskQueue },
      kase: ref,
    });
    await runCaseUpdate({
      temporal: deps.temporal,
      workflowId,
      update: action.update,
      arg: await action.toArg(input.body, input.caller),
      updateId: `${action.update.name}:${input.requestKey}`,
      deadlineMs: action.deadlineMs ?? deps.updateDeadlineMs,
    });
    return viewAfter(input.caller, ref);
  }

  for (const name of Object.keys(actions) as Array<keyof typeof actions>) {
    table.add({
      method: 'post',
      path: `/api/v1/cases/:id/${name}`,
      summary: actions[name].summary,
      roles: ['admin', 'agent'],
      idempotent: true,
      params: caseIdParams,
      body: actions[name].body,
      response: caseViewSchema,
      handler: ({ caller, params, body, requestKey }) =>
        perform({ caller, caseId: params.id, action: name, body, requestKey }),
    });
  }

  table.add({
    method: 'post',
    path: '/api/v1/cases/bulk',
    summary: 'Apply one action (status, assign, category, archive) to up to 500 cases',
    roles: ['admin', 'agent'],
    idempotent: true,
    body: bulkBody,
    response: z.object({
      results: z.array(
        z.object({ caseId: z.string(), ok: z.boolean(), status: z.number().int(), detail: z.string().optional() }),
      ),
    }),
    handler: async ({ caller, body, requestKey }) => {
      const { action, caseIds, ...arguments_ } = body;
      const results = await mapWithConcurrency(caseIds, BULK_CONCURRENCY, async (caseId) => {
        try {
          // One workflow per case, so the same update id for each is still one update per case.
          await perform({ caller, caseId, action, body: arguments_, requestKey });
          return { caseId, ok: true, status: 200 };
        } catch (error) {
          const problem = toProblem(error);
          if (problem.status >= 500) throw error;
          return { caseId, ok: false, status: problem.status, detail: problem.detail };
        }
      });
      return { results };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/cases/:id/device',
    summary: 'Link a device (null unlinks)',
    roles: ['admin', 'agent'],
    idempotent: true,
    params: caseIdParams,
    body: deviceBody,
    response: caseViewSchema,
    handler: async ({ caller, params, body }) => {
      const ref = await caseOf(caller, params.id);
      if (body.deviceId !== null) {
        const devices: unknown[] = await em().execute(`select 1 from devices where id = ? and org_id = ?`, [
          body.deviceId,
          caller.orgId,
        ]);
        if (devices.length === 0)
          throw problems.validation([{ field: 'body.deviceId', message: 'No such device in your organization.' }]);
      }
      await em().execute(`update cases set device_id = ?, updated_at = now() where id = ? and org_id = ?`, [
        body.deviceId,
        ref.id,
        caller.orgId,
      ]);
      return viewAfter(caller, ref);
    },
  });

  for (const [path, read] of [
    ['read', true],
    ['unread', false],
  ] as const) {
    table.add({
      method: 'post',
      path: `/api/v1/cases/:id/${path}`,
      summary: read ? 'Mark read for me' : 'Mark unread for me',
      roles: ['admin', 'agent', 'partner'],
      idempotent: true,
      params: caseIdParams,
      body: emptyBody,
      response: z.object({ unread: z.boolean() }),
      handler: async ({ caller, params }) => {
        const ref = await caseOf(caller, params.id);
        if (read) {
          await em().execute(
            `insert into read_marks (user_id, case_id, org_id, read_at) values (?, ?, ?, now())
             on conflict (user_id, case_id) do update set read_at = excluded.read_at`,
            [caller.userId, ref.id, caller.orgId],
          );
        } else {
          await em().execute(`delete from read_marks where user_id = ? and case_id = ?`, [caller.userId, ref.id]);
        }
        return { unread: !read };
      },
    });
  }

  table.add({
    method: 'post',
    path: '/api/v1/cases/:id/notes',
    summary: 'Add an internal note (never sent to the customer)',
    roles: ['admin', 'agent', 'partner'],
    idempotent: true,
    params: caseIdParams,
    body: noteBody,
    response: z.object({ id: z.uuid() }),
    status: 201,
    handler: async ({ caller, params, body, requestKey }) => {
      const ref = await caseOf(caller, params.id);
      // A retry with the request's Idempotency-Key finds the note its first attempt stored.
      const id = uuidFromRequestKey({ requestKey, purpose: 'note' });
      await em().execute(
        `insert into messages (id, org_id, case_id, thread_id, channel, direction, kind, author_type, author_user_id, body, delivery_status, occurred_at)
         select ?, org_id, id, thread_id, channel, 'internal', 'note', 'agent', ?, ?, 'not_sent', now() from cases where id = ? on conflict (id) do nothing`,
        [id, caller.userId, body.body, ref.id],
      );
      return { id };
    },
  });
}
