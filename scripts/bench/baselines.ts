import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createCaseState, type CasePolicy } from '../../domain/case.model';
import { caseSearchAttributes } from '../../workflows/case-search-attributes';
import { createOrganizationAsOperator } from '../../app/admin/operator-actions';
import { createOrm, type Orm } from '../../db/orm';
import { EMPTY_WORKFLOW_TASK_QUEUE } from './empty-workflow/empty-workflow-queue';
import { pingSignal } from './empty-workflow/empty.workflow';
import type { Operation } from './load-driver';

/** The share of follow-ups in the webhook mix (webhook-builders.ts), so both baselines write what ingest writes. */
const REPLY_SHARE = 0.4;

/** Plain signalWithStart of an empty workflow: the Temporal round trip every accepted webhook pays. */
export function signalWithStartOperation(client: Client): Operation {
  const runId = randomBytes(4).toString('hex');
  return async (index) => {
    await client.workflow.signalWithStart('benchEmptyWorkflow', {
      workflowId: `bench-empty-${runId}-${index}`,
      taskQueue: EMPTY_WORKFLOW_TASK_QUEUE,
      signal: pingSignal,
      signalArgs: [{ messageId: `${runId}-${index}` }],
    });
  };
}

/**
 * The same empty workflow, started with what ingest's signalWithStart carries besides: the seven case
 * search attributes, the memo and the id policies. Separates their cost from the bare round trip.
 */
export function signalWithStartLikeIngestOperation(input: {
  client: Client;
  orgId: string;
  policy: CasePolicy;
}): Operation {
  const runId = randomBytes(4).toString('hex');
  const state = createCaseState({ channel: 'email', at: Date.now(), policy: input.policy });
  return async (index) => {
    await input.client.workflow.signalWithStart('benchEmptyWorkflow', {
      workflowId: `bench-empty-attributes-${runId}-${index}`,
      taskQueue: EMPTY_WORKFLOW_TASK_QUEUE,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: caseSearchAttributes({ orgId: input.orgId, state, categoryName: null }),
      memo: { subject: 'Charged twice for my order', customer: 'Component Customer' },
      signal: pingSignal,
      signalArgs: [{ messageId: `${runId}-${index}` }],
    });
  };
}

/**
 * The rows ingest stores, inserted plainly: for a new conversation customer, identity, thread, a case
 * numbered from the organization's counter and the message; for a follow-up the message and the case's
 * last-message fields. No lookups, no advisory lock, no Temporal: what PostgreSQL alone costs.
 */
export class PlainInsertBaseline {
  private readonly conversations: Array<{ caseId: string; threadId: string }> = [];
  private readonly runId = randomBytes(4).toString('hex');

  private constructor(
    private readonly orm: Orm,
    private readonly orgId: string,
  ) {}

  /** Pool size as the API's (DATABASE_POOL_MAX default), into an organization of its own so the bench organization's cases stay all real. */
  static async create(databaseUrl: string): Promise<PlainInsertBaseline> {
    const orm = await createOrm({ databaseUrl, poolMax: 10 });
    const organization = await createOrganizationAsOperator(orm.em.fork(), {
      slug: `baseline-${randomBytes(3).toString('hex')}`,
      name: 'Insert baseline',
    });
    return new PlainInsertBaseline(orm, organization.id);
  }

  private written = 0;

  /** Numbered by the instance, not by the load's index: the same instance serves every round, and ids must never repeat. */
  readonly operation: Operation = async () => {
    const number = (this.written += 1);
    const followUp = this.conversations.length > 0 && number % 10 < REPLY_SHARE * 10;
    if (followUp) await this.insertFollowUp(this.conversations[number % this.conversations.length], number);
    else this.conversations.push(await this.insertConversation(number));
  };

  async close(): Promise<void> {
    await this.orm.close(true);
  }

  private async insertConversation(index: number): Promise<{ caseId: string; threadId: string }> {
    return this.orm.em.fork().transactional(async (tx) => {
      const externalId = `customer-${this.runId}-${index}@mail.example.com`;
      const customers: Array<{ id: string }> = await tx.execute(
        `insert into customers (org_id, name, email) values (?, 'Bench Customer', ?) returning id`,
        [this.orgId, externalId],
      );
      await tx.execute(
        `insert into customer_identities (org_id, customer_id, channel, external_id, display_name) values (?, ?, 'email', ?, 'Bench Customer')`,
        [this.orgId, customers[0].id, externalId],
      );
      const threads: Array<{ id: string }> = await tx.execute(
        `insert into threads (org_id, channel, customer_id, subject, reply_token) values (?, 'email', ?, 'Help', ?) returning id`,
        [this.orgId, customers[0].id, randomBytes(18).toString('base64url')],
      );
      const counters: Array<{ number: number; slug: string }> = await tx.execute(
        `update organizations set next_case_number = next_case_number + 1 where id = ? returning next_case_number - 1 as number, slug`,
        [this.orgId],
      );
      const cases: Array<{ id: string }> = await tx.execute(
        `insert into cases (org_id, number, workflow_id, channel, subject, customer_id, thread_id, opened_at) values (?, ?, ?, 'email', 'Help', ?, ?, now()) returning id`,
        [
          this.orgId,
          counters[0].number,
          `case-${counters[0].slug}-${counters[0].number}`,
          customers[0].id,
          threads[0].id,
        ],
      );
      await this.insertMessage(tx, { caseId: cases[0].id, threadId: threads[0].id, index });
      return { caseId: cases[0].id, threadId: threads[0].id };
    });
  }

  private async insertFollowUp(conversation: { caseId: string; threadId: string }, index: number): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      await this.insertMessage(tx, { ...conversation, index });
    });
  }

  private async insertMessage(
    tx: EntityManager,
    input: { caseId: string; threadId: string; index: number },
  ): Promise<void> {
    await tx.execute(
      `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, provider_message_id, subject, body, metadata, occurred_at)
       values (?, ?, ?, 'email', 'inbound', 'message', 'customer', ?, 'Help', 'Hello, my camera stopped recording at night.', '{}'::jsonb, now())`,
      [this.orgId, input.caseId, input.threadId, `<baseline-${this.runId}-${input.index}@mail.example.com>`],
    );
    await tx.execute(
      `update cases set last_message_at = now(), last_message_snippet = 'Hello, my camera stopped recording at night.', updated_at = now() where id = ?`,
      [input.caseId],
    );
  }
}
