import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createOrganizationAsOperator } from '../../app/admin/operator-actions';
import { loadOrganizationForCases } from '../../db/cases/case-policy';
import type { Orm } from '../../db/orm';
import { createCaseState } from '../../domain/case.model';
import { type Channel } from '../../domain/channel-registry';
import type { CaseWorkflowInput } from '../../workflows/case.contract';
import { caseSearchAttributes } from '../../workflows/case-search-attributes';
import { CASE_TASK_QUEUE } from './bench-stack';
import { runAtConcurrency, type LoadResult } from './load-driver';

const CHANNELS: Channel[] = ['instagram', 'email', 'facebook', 'phone'];

/**
 * Many open cases, fast: case rows inserted in one statement, then the real caseWorkflow started for
 * each with the input continue-as-new hands over (`carried`, marked triaged). Each is a real case
 * with its timers (attention, and the 24-hour window on Instagram and Facebook) in the worker's
 * cache, without the six triage activities that would take this machine most of an hour for 10,000.
 */
export async function openFootprintCases(input: {
  orm: Orm;
  client: Client;
  count: number;
  concurrency: number;
}): Promise<LoadResult> {
  const em = input.orm.em.fork();
  const organization = await createOrganizationAsOperator(em, {
    slug: `footprint-${randomBytes(3).toString('hex')}`,
    name: 'Footprint',
  });
  const { policy } = await loadOrganizationForCases(em, organization.id);
  const cases: Array<{ id: string; number: number; workflow_id: string; channel: Channel }> = await em.execute(
    `insert into cases (org_id, number, workflow_id, channel, subject, opened_at, last_customer_message_at)
     select ?, n, 'case-' || ? || '-' || n, (?::text[])[1 + n % ?], 'Footprint case', now(), now() from generate_series(1, ?) n
     returning id, number, workflow_id, channel`,
    [organization.id, organization.slug, `{${CHANNELS.join(',')}}`, CHANNELS.length, input.count],
  );
  await em.execute(`update organizations set next_case_number = ? where id = ?`, [input.count + 1, organization.id]);

  const openedAt = Date.now();
  return runAtConcurrency({
    concurrency: input.concurrency,
    operations: cases.length,
    operation: async (index) => {
      const row = cases[index];
      const state = createCaseState({ channel: row.channel, at: openedAt, firstCustomerMessageAt: openedAt, policy });
      const workflowInput: CaseWorkflowInput = {
        caseId: row.id,
        orgId: organization.id,
        orgSlug: organization.slug,
        caseNumber: row.number,
        channel: row.channel,
        policy,
        openedAt,
        carried: {
          state,
          version: 0,
          categoryName: null,
          recentEventIds: [],
          unpersisted: [],
          triage: 'done',
          announced: true,
          warnedWindow: null,
          notifications: [],
          replies: [],
        },
      };
      await input.client.workflow.start('caseWorkflow', {
        workflowId: row.workflow_id,
        taskQueue: CASE_TASK_QUEUE,
        args: [workflowInput],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        typedSearchAttributes: caseSearchAttributes({ orgId: organization.id, state, categoryName: null }),
        memo: { subject: 'Footprint case', customer: '' },
      });
    },
  });
}
