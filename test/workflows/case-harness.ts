import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Orm } from '../../db/orm';
import { buildCaseActivities, createCaseWorker } from '../../workers/create-case-worker';
import { signalCustomerMessage, type CaseToStart } from '../../app/case-lifecycle/start-case-workflow';
import { isDependencyUnavailable } from '../../app/dependency-unavailable';
import { connectTestOrm } from '../support/connections';
import { createTestCase, storeCustomerMessage } from '../support/factories';
import { testStack } from '../support/test-stack';
import type { ChannelSenders } from '../../channels/outbound/channel-sender';
import type { TriageLlmSettings } from '../../activities/triage.activities';

/** The SECRETS_KEY of test workers and APIs: channel credentials in tests are encrypted with it. */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 11);
import { registerCaseSearchAttributes } from '../../scripts/local-stack/register-search-attributes';
import type { Channel } from '../../domain/channel-registry';
import { caseStateQuery } from '../../workflows/case.contract';

/** The folder new recordings go to: a new one whenever the workflow changes, so older sets keep replaying. */
const RECORDED_HISTORY_SET = '2026-12-07';

/** Runs before a real activity, e.g. to deliver a signal while the workflow waits on that activity. */
export type BeforeActivity = (name: string, input: unknown) => Promise<void>;

function withBeforeActivity<Activities extends Record<string, (input: never) => Promise<unknown>>>(
  activities: Activities,
  before: BeforeActivity,
): Activities {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (input: never) => {
      await before(name, input);
      return activity(input);
    };
  }
  return wrapped as Activities;
}

/** One time-skipping Temporal server and one worker (with the real activities and Postgres) per test file. */
export class CaseHarness {
  private running?: Promise<void>;
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly orm: Orm,
    readonly worker: Worker,
    readonly taskQueue: string,
  ) {}

  /** On the time-skipping server, which tests move forward with `env.sleep`. */
  static async start(
    taskQueue: string,
    options: { slackApiUrl?: string; senders?: ChannelSenders; beforeActivity?: BeforeActivity } = {},
  ): Promise<CaseHarness> {
    const stack = testStack.read();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: stack.timeSkippingServer } },
    });
    await registerCaseSearchAttributes({ connection: env.connection, namespace: 'default' });
    return CaseHarness.withEnvironment(env, taskQueue, options);
  }

  /** On a dev server (real time, real visibility): the shared one, or one a test started itself. */
  static async startOnDevServer(input: {
    taskQueue: string;
    address?: string;
    senders?: ChannelSenders;
    slackApiUrl?: string;
    llm?: TriageLlmSettings;
  }): Promise<CaseHarness> {
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address: input.address ?? testStack.read().temporalAddress,
      namespace: 'default',
    });
    return CaseHarness.withEnvironment(env, input.taskQueue, {
      senders: input.senders,
      slackApiUrl: input.slackApiUrl,
      llm: input.llm,
    });
  }

  private static async withEnvironment(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    options: {
      senders?: ChannelSenders;
      slackApiUrl?: string;
      llm?: TriageLlmSettings;
      beforeActivity?: BeforeActivity;
    } = {},
  ): Promise<CaseHarness> {
    const stack = testStack.read();
    const orm = await connectTestOrm();
    const deps = {
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      orm,
      client: env.client,
      workflowBundlePath: stack.workflowBundlePath,
      secretsKey: TEST_SECRETS_KEY,
      senders: options.senders,
      llm: options.llm,
      slack: options.slackApiUrl ? { apiUrl: options.slackApiUrl, publicBaseUrl: 'http://localhost:3000' } : undefined,
    };
    const worker = await createCaseWorker(
      deps,
      options.beforeActivity
        ? { activities: withBeforeActivity(buildCaseActivities(deps), options.beforeActivity) }
        : {},
    );
    const harness = new CaseHarness(env, orm, worker, taskQueue);
    harness.running = worker.run();
    return harness;
  }

  async stop(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.orm.close(true);
    await this.env.teardown();
  }

  get temporal() {
    return { client: this.env.client, taskQueue: this.taskQueue };
  }

  async now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** A new case whose first customer message has been stored and signalled, as ingest does. */
  async openCase(input: { orgId: string; channel: Channel }): Promise<CaseToStart> {
    const kase = await this.createCase(input);
    await this.customerWrites(kase);
    return kase;
  }

  /** A stored case whose workflow starts with its first `customerWrites`. */
  async createCase(input: { orgId: string; channel: Channel }): Promise<CaseToStart> {
    return createTestCase(this.orm, {
      orgId: input.orgId,
      channel: input.channel,
      openedAt: new Date(await this.now()),
    });
  }

  /**
   * Signals a stored message as ingest does, and again if Temporal did not answer within ingest's
   * deadline, as a provider redelivers a webhook answered 503: a busy machine slows a test, never fails it.
   */
  async deliver(kase: CaseToStart, message: { messageId: string; at: number }): Promise<'delivered' | 'closed'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await signalCustomerMessage({ kase, temporal: this.temporal, message });
      } catch (error) {
        if (!isDependencyUnavailable(error) || attempt >= 10) throw error;
      }
    }
  }

  async customerWrites(
    kase: CaseToStart,
    messageId?: string,
  ): Promise<{ messageId: string; outcome: 'delivered' | 'closed' }> {
    const at = await this.now();
    const id = messageId ?? (await storeCustomerMessage(this.orm, { kase, at: new Date(at) }));
    const outcome = await this.deliver(kase, { messageId: id, at });
    return { messageId: id, outcome };
  }

  /**
   * With RECORD_WORKFLOW_HISTORIES=1, saves the case's history (its latest run) as a replay fixture
   * in test/fixtures/workflow-histories/<RECORDED_HISTORY_SET>, which the replay test runs, with every
   * older set, against the current workflow code.
   */
  async recordHistory(kase: CaseToStart, name: string): Promise<void> {
    if (process.env.RECORD_WORKFLOW_HISTORIES !== '1') return;
    const history = await this.handle(kase).fetchHistory();
    const directory = path.join(__dirname, '..', 'fixtures', 'workflow-histories', RECORDED_HISTORY_SET);
    mkdirSync(directory, { recursive: true });
    const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
      longs: String,
      enums: String,
      bytes: String,
    });
    writeFileSync(path.join(directory, `${name}.json`), `${JSON.stringify(json, null, 1)}\n`);
  }

  /**
   * Every run of a workflow, latest first, through each run's `continuedExecutionRunId`: its event
   * count and the customer messages its signals carried, in the order the workflow saw them.
   */
  async runHistories(
    workflowId: string,
  ): Promise<Array<{ runId: string; events: number; customerMessages: Array<{ messageId: string; at: number }> }>> {
    const runs: Array<{ runId: string; events: number; customerMessages: Array<{ messageId: string; at: number }> }> =
      [];
    let runId: string | undefined = (await this.env.client.workflow.getHandle(workflowId).describe()).runId;
    while (runId) {
      const events: temporal.api.history.v1.IHistoryEvent[] =
        (await this.env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      const customerMessages = events
        .map((event) => event.workflowExecutionSignaledEventAttributes)
        .filter((signal) => signal?.signalName === 'customerMessage')
        .map(
          (signal) =>
            JSON.parse(Buffer.from(signal?.input?.payloads?.[0]?.data ?? []).toString('utf8')) as {
              messageId: string;
              at: number;
            },
        );
      runs.push({ runId, events: events.length, customerMessages });
      runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    return runs;
  }

  handle(kase: CaseToStart) {
    return this.env.client.workflow.getHandle(kase.workflowId);
  }

  /** The read-model row once it has caught up with the workflow's current version (signals are written in the background). */
  async caseRowInSync(kase: CaseToStart): Promise<Record<string, unknown>> {
    const { version } = await this.handle(kase).query(caseStateQuery);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const row = await this.caseRow(kase.caseId);
      if ((row.version as number) >= version || Date.now() > deadline) return row;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async caseRow(caseId: string): Promise<Record<string, unknown>> {
    const rows: Array<Record<string, unknown>> = await this.orm.em
      .fork()
      .execute(`select * from cases where id = ?`, [caseId]);
    // Raw rows carry bigint and timestamps as strings; tests compare numbers and epoch milliseconds.
    const row = rows[0];
    const timestamps = [
      'window_expires_at',
      'opened_at',
      'resolved_at',
      'archived_at',
      'last_customer_message_at',
      'lifecycle_ended_at',
      'attention_due_at',
      'created_at',
      'updated_at',
    ];
    for (const key of timestamps) if (row[key] !== null) row[key] = new Date(row[key] as string).getTime();
    row.version = Number(row.version);
    return row;
  }
}
