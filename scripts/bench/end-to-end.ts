import { performance } from 'node:perf_hooks';
import { withCpu, type BenchContext, type MeasuredLoad } from './bench-context';
import { waitForBacklog } from './case-backlog';
import { prepareWebhooks, webhookOperation } from './ingest-load';
import { runAtRate } from './load-driver';
import { summarizeLatencies, type LatencySummary } from './stats';

export interface EndToEndResult {
  perSecond: number;
  http: MeasuredLoad;
  /** New conversations accepted, and what became of their cases. */
  newCases: number;
  announced: number;
  autoResolved: number;
  notFinished: number;
  /** From the webhook's 2xx to the case's announcement in Slack (categorized, routed, persisted). */
  acceptedToAnnouncedMs: LatencySummary;
  newCasesOfferedPerSecond: number;
  casesProcessedPerSecond: number;
}

const DRAIN_TIMEOUT_MS = 60_000;

/** The mix of webhooks at a fixed rate; every new conversation is timed until its case is announced. */
export async function measureEndToEnd(
  context: BenchContext,
  input: { perSecond: number; seconds: number },
): Promise<EndToEndResult> {
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: DRAIN_TIMEOUT_MS });
  const requests = prepareWebhooks({
    factory: context.factory,
    count: Math.max(1, Math.round(input.perSecond * input.seconds)),
  });
  const acceptedAt = new Map<string, number>();
  const started = performance.now();
  const http = await withCpu(context, () =>
    runAtRate({
      perSecond: input.perSecond,
      operations: requests.length,
      operation: webhookOperation({ baseUrl: context.stack.settings.apiBaseUrl, requests, acceptedAt }),
    }),
  );
  await waitForBacklog({ ...context, orgId: context.org.orgId, timeoutMs: DRAIN_TIMEOUT_MS });

  const rows: Array<{ provider_message_id: string; case_id: string; resolution: string | null }> = await context.orm.em
    .fork()
    .execute(
      `select m.provider_message_id, m.case_id, c.resolution from messages m join cases c on c.id = m.case_id where m.org_id = ? and m.direction = 'inbound'`,
      [context.org.orgId],
    );
  const byMessage = new Map(rows.map((row) => [row.provider_message_id, row]));
  const latencies: number[] = [];
  let autoResolved = 0;
  let lastAnnouncement = started;
  for (const [messageId, accepted] of acceptedAt) {
    const row = byMessage.get(messageId);
    const announced = row ? context.tracker.at(row.case_id) : undefined;
    if (announced !== undefined) {
      latencies.push(announced - accepted);
      lastAnnouncement = Math.max(lastAnnouncement, announced);
    } else if (row?.resolution === 'auto') {
      autoResolved += 1;
    }
  }
  return {
    perSecond: input.perSecond,
    http,
    newCases: acceptedAt.size,
    announced: latencies.length,
    autoResolved,
    notFinished: acceptedAt.size - latencies.length - autoResolved,
    acceptedToAnnouncedMs: summarizeLatencies(latencies),
    newCasesOfferedPerSecond: acceptedAt.size / (http.durationMs / 1000),
    casesProcessedPerSecond: latencies.length / ((lastAnnouncement - started) / 1000),
  };
}
