import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createCaseState, type CasePolicy } from '../../domain/case.model';
import type { Channel } from '../../domain/channel-registry';
import { customerMessageSignal, type CaseWorkflowInput } from '../../workflows/case.contract';
import { caseSearchAttributes } from '../../workflows/case-search-attributes';

const SIGNAL_DEADLINE_MS = 5_000;

export interface CaseToStart {
  caseId: string;
  orgId: string;
  orgSlug: string;
  caseNumber: number;
  workflowId: string;
  channel: Channel;
  policy: CasePolicy;
  openedAt: number;
  subject: string;
  customerLabel: string | null;
  important?: boolean;
}

export interface TemporalTarget {
  client: Client;
  taskQueue: string;
}

function workflowInput(kase: CaseToStart): CaseWorkflowInput {
  return {
    caseId: kase.caseId,
    orgId: kase.orgId,
    orgSlug: kase.orgSlug,
    caseNumber: kase.caseNumber,
    channel: kase.channel,
    policy: kase.policy,
    openedAt: kase.openedAt,
    important: kase.important,
  };
}

function startOptions(kase: CaseToStart, temporal: TemporalTarget) {
  const initial = createCaseState({
    channel: kase.channel,
    at: kase.openedAt,
    important: kase.important,
    policy: kase.policy,
  });
  return {
    workflowId: kase.workflowId,
    taskQueue: temporal.taskQueue,
    args: [workflowInput(kase)] as [CaseWorkflowInput],
    // A closed case never starts again under its id: its next message opens a new, linked case.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: caseSearchAttributes({ orgId: kase.orgId, state: initial, categoryName: null }),
    memo: { subject: kase.subject, customer: kase.customerLabel ?? '' },
  };
}

/**
 * Starts the case workflow (or finds it running) without a message: manual, partner and outbound-call
 * cases. Bounded like a signal: with Temporal unreachable the caller answers at once and the case's
 * mark leaves the start to the worker's sweep.
 */
export async function startCaseWorkflow(input: { kase: CaseToStart; temporal: TemporalTarget }): Promise<void> {
  await input.temporal.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
    input.temporal.client.workflow.start('caseWorkflow', startOptions(input.kase, input.temporal)),
  );
}

/**
 * The start half of an update-with-start, for an action on a case whose start is pending: the action
 * starts the case exactly as the sweep would, and runs in the same call.
 */
export function caseStartOperation(input: { kase: CaseToStart; temporal: TemporalTarget }) {
  return new WithStartWorkflowOperation('caseWorkflow', startOptions(input.kase, input.temporal));
}

/**
 * Delivers a stored customer message to its case, starting the workflow if needed.
 * Returns 'closed' when the case's workflow has already completed, so the caller opens a follow-up case.
 */
export async function signalCustomerMessage(input: {
  kase: CaseToStart;
  temporal: TemporalTarget;
  message: { messageId: string; at: number };
}): Promise<'delivered' | 'closed'> {
  try {
    // Bounded: with Temporal unreachable the client would retry for ~20 s, past the providers' own
    // timeouts (Twilio waits 15 s). Failing sooner answers 503 and the provider's retry delivers it.
    await input.temporal.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      input.temporal.client.workflow.signalWithStart('caseWorkflow', {
        ...startOptions(input.kase, input.temporal),
        signal: customerMessageSignal,
        signalArgs: [input.message],
      }),
    );
    return 'delivered';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
    throw error;
  }
}
