import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createCategoryAsOperator, updateSettingsAsOperator } from '../../app/admin/operator-actions';
import { DEMO_CATEGORIES } from '../../db/admin/demo-data';
import type { Orm } from '../../db/orm';
import { caseStateQuery } from '../../workflows/case.contract';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { createApiUser, type ApiUser } from '../support/api-harness';
import { connectTestTemporal } from '../support/connections';
import { eventually } from '../support/eventually';
import { testStack } from '../support/test-stack';
import { startApiProcess, startWorkerProcess, type ApiProcess, type AppProcess } from './support/app-processes';
import { countByMessage, expectSlackOncePerEvent, slackPostsByCase } from './support/checks';
import { reportFigures } from './support/figures';
import { startStoppablePostgres, type StoppablePostgres } from './support/stoppable-postgres';
import { createTestOrganization, type TestOrganization } from '../support/organization-fixture';
import {
  instagramOrganization,
  instagramWebhookBody,
  META_APP_SECRET,
  newInstagramDm,
  postMetaWebhook,
} from './support/provider';

const { EventType } = temporal.api.enums.v1;
const MINUTE = 60_000;

/**
 * The worker cannot start while PostgreSQL is down (its ORM connects at start), so the outage has to
 * begin while triage is already running. The organization categorizes with an LLM whose endpoint
 * never answers the first request: that attempt is cut off by the activity's own timeout (the
 * LLM call would wait longer), and every later attempt finds PostgreSQL stopped.
 */
async function startSilentLlm(category: string) {
  const held: ServerResponse[] = [];
  let holding = true;
  let requests = 0;
  const answer = (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-outage',
        object: 'chat.completion',
        created: 1764000000,
        model: 'test-model',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: JSON.stringify({ category }), refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
      }),
    );
  };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      if (holding) held.push(response);
      else answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: () => requests,
    answerFromNowOn: () => {
      holding = false;
      held.splice(0).forEach(answer);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The categorize activity as the run's history records it: its last attempt and how it ended. */
function categorizeOutcome(events: HistoryEvent[]): { attempt: number; failure: string | null } | null {
  const scheduled = events.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'categorizeCase',
  );
  if (!scheduled) return null;
  const ofIt = (scheduledEventId: unknown) => String(scheduledEventId) === String(scheduled.eventId);
  const started = events.find((event) => ofIt(event.activityTaskStartedEventAttributes?.scheduledEventId));
  const failed = events.find((event) => ofIt(event.activityTaskFailedEventAttributes?.scheduledEventId));
  let failure = failed?.activityTaskFailedEventAttributes?.failure ?? null;
  while (failure?.cause) failure = failure.cause;
  return {
    attempt: started?.activityTaskStartedEventAttributes?.attempt ?? 0,
    failure: failed ? (failure?.message ?? '') : null,
  };
}

const workflowTaskTrouble = (events: HistoryEvent[]) =>
  events
    .filter(
      (event) =>
        event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED ||
        event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    )
    .map(
      (event) =>
        `${EventType[event.eventType ?? 0]}: ${event.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
    );

describe('PostgreSQL is stopped for longer than triage retries while a new case is triaged', () => {
  let postgres: StoppablePostgres;
  let orm: Orm;
  let slack: FakeSlackApi;
  let llm: Awaited<ReturnType<typeof startSilentLlm>>;
  let api: ApiProcess;
  let worker: AppProcess;
  let temporalClient: { client: Client; close: () => Promise<void> };
  let org: TestOrganization;
  let agent: ApiUser;

  beforeAll(async () => {
    postgres = await startStoppablePostgres('triage-outage');
    const { databaseUrl } = postgres;
    orm = postgres.orm;
    [slack, llm] = await Promise.all([FakeSlackApi.start(), startSilentLlm('Billing')]);
    const target = {
      databaseUrl,
      temporalAddress: testStack.read().temporalAddress,
      taskQueue: `triage-outage-${randomUUID().slice(0, 8)}`,
      metaAppSecret: META_APP_SECRET,
      slackApiUrl: slack.url,
      llm: { baseUrl: llm.baseUrl, timeoutMs: 2 * MINUTE },
    };
    [api, worker] = await Promise.all([
      startApiProcess(target, 'triage-outage-api'),
      startWorkerProcess(target, 'triage-outage-worker'),
    ]);
    const connected = await connectTestTemporal();
    temporalClient = { client: connected.client, close: () => connected.connection.close() };

    org = await createTestOrganization(orm.em.fork(), instagramOrganization({ slack: true }));
    await updateSettingsAsOperator(orm.em.fork(), { orgSlug: org.slug, categorizer: 'llm' });
    for (const category of DEMO_CATEGORIES.filter((candidate) => ['Billing', 'Shipping'].includes(candidate.name))) {
      await createCategoryAsOperator(orm.em.fork(), {
        orgSlug: org.slug,
        name: category.name,
        description: category.description,
        examples: [...category.examples],
      });
    }
    agent = await createApiUser(orm, { orgId: org.id, role: 'agent' });
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await temporalClient?.close();
    await Promise.all([slack?.stop(), llm?.stop()]);
    await orm?.close(true);
    await postgres?.stop();
  });

  const caseRow = async (caseId: string) =>
    (
      await orm.em.fork().execute<
        Array<{
          version: string;
          last_customer_message_at: string | null;
          category_id: string | null;
          status: string;
        }>
      >(`select version, last_customer_message_at, category_id, status from cases where id = ?`, [caseId])
    )[0];

  it('records the failed triage, announces the case, applies what comes next and runs triage again', async () => {
    const customerId = `8${Math.floor(Math.random() * 1e12)}`;
    const first = newInstagramDm({
      customerId,
      at: Date.now() - MINUTE,
      text: 'I was charged twice for my cloud recording plan this month.',
    });
    expect(await postMetaWebhook(api.baseUrl, instagramWebhookBody(org.connections.instagram!.externalId, first))).toBe(
      200,
    );
    const [kase] = await orm.em
      .fork()
      .execute<Array<{ id: string; workflow_id: string }>>(`select id, workflow_id from cases where org_id = ?`, [
        org.id,
      ]);
    const handle: WorkflowHandle = temporalClient.client.workflow.getHandle(kase.workflow_id);

    // Triage has read the case and is waiting on the LLM: now PostgreSQL goes away.
    const llmAsked = await eventually(
      async () => llm.requests(),
      (count) => count >= 1,
      MINUTE,
    );
    expect(llmAsked).toBe(1);
    await postgres.stop();
    const outage = { from: Date.now(), to: 0 };
    const history = async () => (await handle.fetchHistory()).events ?? [];
    const categorized = await eventually(
      async () => categorizeOutcome(await history()),
      (outcome) => outcome?.failure != null,
      3 * MINUTE,
    );
    expect(categorized?.failure).not.toBeNull();
    await postgres.start();
    outage.to = Date.now();
    llm.answerFromNowOn();

    // The customer writes again: stored, answered, and applied by the case.
    const before = await caseRow(kase.id);
    const second = newInstagramDm({ customerId, at: Date.now(), text: 'Any news about the double charge?' });
    expect(
      await postMetaWebhook(api.baseUrl, instagramWebhookBody(org.connections.instagram!.externalId, second)),
    ).toBe(200);
    expect((await countByMessage(orm, { orgId: org.id, providerMessageIds: [first.mid, second.mid] })).missing).toEqual(
      [],
    );
    const applied = await eventually(
      () => caseRow(kase.id),
      (row) => row.last_customer_message_at !== null && new Date(row.last_customer_message_at).getTime() === second.at,
      2 * MINUTE,
    );
    const appliedAt = Date.now();
    expect(new Date(applied.last_customer_message_at ?? 0).getTime()).toBe(second.at);
    expect(Number(applied.version)).toBeGreaterThan(Number(before.version));

    const failures = await eventually(
      () =>
        orm.em
          .fork()
          .execute<Array<{ detail: string | null }>>(
            `select * from case_events where case_id = ? and type = 'triage_failed' order by version`,
            [kase.id],
          ),
      (rows) => rows.length > 0,
      MINUTE,
    );
    expect(failures).toHaveLength(1);
    expect(failures[0].detail).toMatch(/^categorization failed: /);

    // The message ran triage again, and this time the LLM answered.
    const triaged = await eventually(
      () => handle.query(caseStateQuery),
      (state) => state.triage === 'done' && state.categoryName !== null,
      MINUTE,
    );
    expect({ triage: triaged.triage, category: triaged.categoryName }).toEqual({ triage: 'done', category: 'Billing' });
    expect(
      (
        await eventually(
          () => caseRow(kase.id),
          (row) => row.category_id !== null,
          MINUTE,
        )
      ).category_id,
    ).toBe(triaged.state.categoryId);

    const changedAt = Date.now();
    const status = await fetch(`${api.baseUrl}/api/v1/cases/${kase.id}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'in_progress' }),
    });
    const statusMs = Date.now() - changedAt;
    expect({ code: status.status, status: ((await status.json()) as { status?: string }).status }).toEqual({
      code: 200,
      status: 'in_progress',
    });

    // Announced once, uncategorized, when triage gave up; no notification twice.
    const announced = await eventually(
      async () => slackPostsByCase(slack).get(kase.id)?.roots ?? 0,
      (roots) => roots >= 1,
      MINUTE,
    );
    expect(announced).toBe(1);
    expectSlackOncePerEvent(slack);

    const events = await history();
    expect(workflowTaskTrouble(events)).toEqual([]);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingWorkflowTask?.attempt ?? 1).toBe(1);
    const { stdout } = await promisify(execFile)(testStack.read().temporalCli, [
      'workflow',
      'describe',
      '--workflow-id',
      kase.workflow_id,
      '--address',
      testStack.read().temporalAddress,
      '--namespace',
      'default',
      '--output',
      'json',
    ]);
    const described = JSON.parse(stdout) as {
      workflowExecutionInfo?: { status?: string };
      pendingWorkflowTask?: { attempt?: number };
    };
    expect({
      status: described.workflowExecutionInfo?.status,
      attempt: described.pendingWorkflowTask?.attempt ?? 1,
    }).toEqual({ status: 'WORKFLOW_EXECUTION_STATUS_RUNNING', attempt: 1 });

    reportFigures('triage-outage', {
      postgresDownSeconds: (outage.to - outage.from) / 1000,
      categorizeAttemptsFailed: categorized?.attempt ?? 0,
      categorizeAttemptsReachingLlm: llmAsked,
      categorizeFailure: categorized?.failure ?? '',
      triageFailedEntries: failures.length,
      secondsFromPostgresBackToMessageApplied: (appliedAt - outage.to) / 1000,
      statusChangeMs: statusMs,
      slackAnnouncements: announced,
      workflowTaskFailures: workflowTaskTrouble(events).length,
      historyEvents: events.length,
      caseVersion: triaged.version,
    });
  });
});
