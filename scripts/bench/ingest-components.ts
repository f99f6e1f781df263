import { randomBytes } from 'node:crypto';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { createOrganizationAsOperator } from '../../app/admin/operator-actions';
import { loadOrganizationForCases } from '../../db/cases/case-policy';
import { recordInboundMessage, type InboundMessage } from '../../db/cases/record-inbound-message';
import { signalWithStartLikeIngestOperation } from './baselines';
import { waitForBacklog } from './case-backlog';
import type { BenchContext } from './bench-context';
import { CASE_TASK_QUEUE } from './bench-stack';
import { runAtConcurrency, type LoadResult } from './load-driver';

export interface IngestComponents {
  /** recordInboundMessage alone: ingest's one transaction (advisory lock, lookups, inserts). */
  store: LoadResult;
  /** An empty workflow's signalWithStart with the case's search attributes and memo. */
  signalWithStartLikeIngest: LoadResult;
  /** ingestCustomerMessage, the function the webhook routes call: store, organization and case lookups, signalWithStart of the case workflow. */
  ingestWithoutHttp: LoadResult;
}

function emailMessage(input: { orgId: string; runId: string; index: number }): InboundMessage {
  const address = `component.${input.runId}.${input.index}@mail.example.com`;
  const messageId = `<component-${input.runId}-${input.index}@mail.example.com>`;
  return {
    orgId: input.orgId,
    channel: 'email',
    sender: { externalId: address, email: address, name: 'Component Customer' },
    threadRef: null,
    subject: 'Charged twice for my order',
    body: 'I was charged twice for the same order, please refund the duplicate payment.',
    providerMessageId: messageId,
    rfcMessageId: messageId,
    occurredAt: new Date(),
  };
}

/**
 * Where a webhook's time goes, one at a time: the real ingest function called in this process (no
 * HTTP, no API process), and its store transaction alone. Subtracting from the webhook's and the
 * bare signalWithStart's latency at concurrency 1 splits the time between HTTP/API, Postgres and Temporal.
 */
export async function measureIngestComponents(
  context: BenchContext,
  input: { operations: number },
): Promise<IngestComponents> {
  const runId = randomBytes(4).toString('hex');
  // Stored-only cases never get a workflow: they live in an organization of their own, out of the bench organization's backlog count.
  const storeOnly = await createOrganizationAsOperator(context.orm.em.fork(), {
    slug: `components-${runId}`,
    name: 'Ingest components',
  });
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: 60_000 });
  const store = await runAtConcurrency({
    concurrency: 1,
    operations: input.operations,
    operation: async (index) => {
      await recordInboundMessage(context.orm.em.fork(), emailMessage({ orgId: storeOnly.id, runId, index }));
    },
  });
  const { policy } = await loadOrganizationForCases(context.orm.em.fork(), context.org.orgId);
  const signalWithStartLikeIngest = await runAtConcurrency({
    concurrency: 1,
    operations: input.operations,
    operation: signalWithStartLikeIngestOperation({
      client: context.stack.temporalClient,
      orgId: context.org.orgId,
      policy,
    }),
  });
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: 60_000 });
  const temporal = { client: context.stack.temporalClient, taskQueue: CASE_TASK_QUEUE };
  const ingestWithoutHttp = await runAtConcurrency({
    concurrency: 1,
    operations: input.operations,
    operation: async (index) => {
      await ingestCustomerMessage({
        orm: context.orm,
        temporal,
        message: emailMessage({ orgId: context.org.orgId, runId: `${runId}i`, index }),
      });
    },
  });
  return { store, signalWithStartLikeIngest, ingestWithoutHttp };
}
