import type { BenchResult, Goal } from './bench-result';

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const MACHINE_KEYS = ['others', 'iowait'];
const ourProcesses = (cpuPercent: Record<string, number>) =>
  Object.entries(cpuPercent)
    .filter(([name]) => !MACHINE_KEYS.includes(name))
    .sort((a, b) => b[1] - a[1]);

/** "api 120 %, temporal 45 %, …" busiest first; 200 % is both cores of this machine, which other people's processes share. */
export function describeCpu(cpuPercent: Record<string, number>): string {
  const ours = ourProcesses(cpuPercent);
  const total = ours.reduce((sum, [, value]) => sum + value, 0);
  return `CPU (of 200 %): ${ours.map(([name, value]) => `${name} ${value} %`).join(', ')}; ours ${total} %, other processes on the machine ${cpuPercent.others ?? 0} %, I/O wait ${cpuPercent.iowait ?? 0} %`;
}

/** Whether the two cores were the limit, and whose work filled them; otherwise the time went to waiting. */
function cpuBound(cpuPercent: Record<string, number>): string {
  const ours = ourProcesses(cpuPercent);
  const busy = ours.reduce((sum, [, value]) => sum + value, 0) + (cpuPercent.others ?? 0);
  const verdict =
    busy >= 170
      ? `both cores were busy (${ours[0]?.[0] ?? '?'} the largest of ours${(cpuPercent.others ?? 0) >= 50 ? ', and other people\u2019s processes took a large share' : ''})`
      : 'the cores were not saturated: the time went to waiting (storage commits, round trips)';
  return `${describeCpu(cpuPercent)} — ${verdict}`;
}

export function evaluateGoals(result: Omit<BenchResult, 'goals'>): Goal[] {
  const { ingest, atEightyPercent, endToEnd, caseHistory, sweep } = result;
  const m = ingest.median;
  const newCaseShare = endToEnd.perSecond > 0 ? endToEnd.newCasesOfferedPerSecond / endToEnd.perSecond : 0;
  const single = sweep.find((level) => level.concurrency === 1);
  const temporalStorage = result.options.temporalFile
    ? 'the dev server\u2019s SQLite file (one writer, one fsync per transaction)'
    : 'the dev server\u2019s in-memory SQLite (no fsync)';
  const parts = result.ingestComponents;
  const split = single
    ? ` One at a time (concurrency 1, p50): a webhook ${fmt(single.ingest.latencyMs.p50, 1)} ms; the ingest function called in this process without HTTP ${fmt(parts.ingestWithoutHttp.latencyMs.p50, 1)} ms, ` +
      `${single.ingest.latencyMs.p50 <= parts.ingestWithoutHttp.latencyMs.p50 * 1.2 ? 'so HTTP and the API process add little' : `so HTTP and the API process add about ${fmt(single.ingest.latencyMs.p50 - parts.ingestWithoutHttp.latencyMs.p50, 1)} ms`}; of that, its store transaction ${fmt(parts.store.latencyMs.p50, 1)} ms and the lookups plus the case workflow's signalWithStart ` +
      `${fmt(parts.ingestWithoutHttp.latencyMs.p50 - parts.store.latencyMs.p50, 1)} ms, while an empty workflow's signalWithStart with the same search attributes and memo takes ` +
      `${fmt(parts.signalWithStartLikeIngest.latencyMs.p50, 1)} ms and a bare one ${fmt(single.signalWithStart.latencyMs.p50, 1)} ms: the difference is the Temporal server and the cores ` +
      `busy with the triage of the cases just opened (about a dozen Temporal transactions per case).`
    : '';
  const commit = single
    ? ` A lone signalWithStart takes ${fmt(single.signalWithStart.latencyMs.p50, 1)} ms (p50, concurrency 1) on ${temporalStorage}.`
    : '';
  const roundTrips = caseHistory
    ? `a new case takes ${caseHistory.workflowTasks} workflow tasks and ${caseHistory.activities.length} activities, one after another (${caseHistory.activities.join(' → ')}), each a Temporal round trip with its own persisted transaction`
    : 'no case history was read';
  return [
    {
      goal: 'ingest ≥ 0.8 × raw signalWithStart (same concurrency)',
      met: ingest.ingestToSignalWithStart >= 0.8,
      figure: `${fmt(m.ingest.perSecond)}/s vs ${fmt(m.signalWithStart.perSecond)}/s = ${fmt(ingest.ingestToSignalWithStart, 2)}× (plain inserts ${fmt(m.plainInserts.perSecond)}/s; ingest = ${fmt(ingest.ingestToPlainInserts, 2)}× of that)`,
      bound:
        `per webhook p50 ${fmt(m.ingest.p50, 1)} ms, of which a bare signalWithStart is ${fmt(m.signalWithStart.p50, 1)} ms and the plain insert transaction ${fmt(m.plainInserts.p50, 1)} ms; ` +
        'the rest is the API (parse, verify, lookups, the per-sender advisory lock) and the case-number counter row that serializes new cases of one organization, ' +
        `while the worker triages the cases just opened on the same cores.${split} ${cpuBound(m.ingest.cpuPercent)}.`,
    },
    {
      goal: 'HTTP p99 < 100 ms at 80 % of the maximum rate',
      met: atEightyPercent.latencyMs.p99 < 100 && atEightyPercent.errors === 0,
      figure: `${fmt(atEightyPercent.targetPerSecond)}/s offered, ${fmt(atEightyPercent.succeededPerSecond)}/s accepted: p50 ${fmt(atEightyPercent.latencyMs.p50, 1)} / p95 ${fmt(atEightyPercent.latencyMs.p95, 1)} / p99 ${fmt(atEightyPercent.latencyMs.p99, 1)} ms, ${atEightyPercent.errors} errors`,
      bound:
        `${cpuBound(atEightyPercent.cpuPercent)}. About ${fmt(atEightyPercent.targetPerSecond * newCaseShare, 1)} new cases/s arrive, while the worker finishes about ` +
        `${fmt(endToEnd.casesProcessedPerSecond, 1)}/s (end-to-end run): its triage backlog grows and takes the Temporal server and the cores from the webhooks.${commit}`,
    },
    {
      goal: 'end to end p95 < 1 s at half the maximum rate',
      met: endToEnd.acceptedToAnnouncedMs.p95 < 1000 && endToEnd.notFinished === 0,
      figure: `${fmt(endToEnd.perSecond)}/s offered: 2xx → announced p50 ${fmt(endToEnd.acceptedToAnnouncedMs.p50)} / p95 ${fmt(endToEnd.acceptedToAnnouncedMs.p95)} ms; ${fmt(endToEnd.casesProcessedPerSecond, 1)} cases/s fully processed for ${fmt(endToEnd.newCasesOfferedPerSecond, 1)} new cases/s arriving; ${endToEnd.notFinished} unfinished`,
      bound:
        `${endToEnd.casesProcessedPerSecond < endToEnd.newCasesOfferedPerSecond * 0.95 ? 'the worker finished fewer cases per second than arrived, so a queue built up and the wait grew over the run; ' : ''}` +
        `${roundTrips}. ${cpuBound(endToEnd.http.cpuPercent)}.`,
    },
  ];
}
