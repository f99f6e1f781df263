import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../local-stack/temporal-binaries';
import type { BenchResult } from './bench-result';
import { describeCpu } from './goals';

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function ingestSection(result: BenchResult): string[] {
  const m = result.ingest.median;
  const row = (name: string, load: typeof m.ingest) =>
    `| ${name} | ${fmt(load.perSecond)} | ${fmt(load.p50, 1)} | ${fmt(load.p95, 1)} | ${fmt(load.p99, 1)} | ${load.errors} |`;
  return [
    `## Ingest (concurrency ${result.ingest.concurrency}, median of ${result.ingest.rounds.length} round(s))`,
    '',
    '| path | per s | p50 ms | p95 ms | p99 ms | errors |',
    '|---|---:|---:|---:|---:|---:|',
    row('webhooks (email, Meta, Twilio; new and follow-ups)', m.ingest),
    row('baseline: signalWithStart of an empty workflow', m.signalWithStart),
    row('baseline: plain inserts of the same rows', m.plainInserts),
    '',
    `Ingest ÷ signalWithStart: **${fmt(result.ingest.ingestToSignalWithStart, 2)}×**; ingest ÷ plain inserts: **${fmt(result.ingest.ingestToPlainInserts, 2)}×**. ${describeCpu(m.ingest.cpuPercent)} during ingest.`,
    '',
    `Where the time goes, one at a time (p50): ingest function without HTTP ${fmt(result.ingestComponents.ingestWithoutHttp.latencyMs.p50, 1)} ms, ` +
      `its store transaction ${fmt(result.ingestComponents.store.latencyMs.p50, 1)} ms, an empty workflow's signalWithStart with the case's search attributes and memo ` +
      `${fmt(result.ingestComponents.signalWithStartLikeIngest.latencyMs.p50, 1)} ms (see the sweep's concurrency-1 row for the webhook and the baselines).`,
    '',
    `Per channel (last round): ${Object.entries(result.ingest.rounds.at(-1)?.ingest.byChannel ?? {})
      .map(([channel, latency]) => `${channel} p50 ${fmt(latency.p50, 1)} / p99 ${fmt(latency.p99, 1)} ms`)
      .join('; ')}.`,
    '',
    '### Concurrency sweep (closed loop)',
    '',
    '| concurrency | ingest/s | ingest p50 / p99 ms | signalWithStart/s | p50 ms | plain inserts/s | p50 ms | ingest ÷ signalWithStart |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.sweep.map(
      (level) =>
        `| ${level.concurrency} | ${fmt(level.ingest.succeededPerSecond)} | ${fmt(level.ingest.latencyMs.p50, 1)} / ${fmt(level.ingest.latencyMs.p99, 1)} ` +
        `| ${fmt(level.signalWithStart.succeededPerSecond)} | ${fmt(level.signalWithStart.latencyMs.p50, 1)} | ${fmt(level.plainInserts.succeededPerSecond)} | ${fmt(level.plainInserts.latencyMs.p50, 1)} ` +
        `| ${fmt(level.ingest.succeededPerSecond / level.signalWithStart.succeededPerSecond, 2)} |`,
    ),
    '',
    `Maximum rate: **${fmt(result.maxRate.perSecond)}/s** (concurrency ${result.maxRate.concurrency}). At 80 % (${fmt(result.atEightyPercent.targetPerSecond)}/s offered, open loop): ` +
      `p50 ${fmt(result.atEightyPercent.latencyMs.p50, 1)} / p95 ${fmt(result.atEightyPercent.latencyMs.p95, 1)} / p99 **${fmt(result.atEightyPercent.latencyMs.p99, 1)} ms**, ${result.atEightyPercent.errors} errors.`,
    '',
  ];
}

function endToEndSection(result: BenchResult): string[] {
  const e2e = result.endToEnd;
  return [
    `## End to end (${fmt(e2e.perSecond)}/s offered = half the maximum rate)`,
    '',
    `Webhook 2xx → case categorized, routed and announced in (fake) Slack: p50 ${fmt(e2e.acceptedToAnnouncedMs.p50)} / p95 **${fmt(e2e.acceptedToAnnouncedMs.p95)}** / p99 ${fmt(e2e.acceptedToAnnouncedMs.p99)} ms ` +
      `over ${e2e.announced} new cases (${e2e.autoResolved} auto-resolved as spam, ${e2e.notFinished} unfinished); ${fmt(e2e.casesProcessedPerSecond, 1)} cases fully processed per second.`,
    ...(result.caseHistory
      ? [
          '',
          `One case's history: ${result.caseHistory.events} events, ${result.caseHistory.workflowTasks} workflow tasks, activities ${result.caseHistory.activities.join(' → ')}.`,
        ]
      : []),
    '',
  ];
}

function footprintSection(result: BenchResult): string[] {
  const f = result.footprint;
  return [
    `## Footprint (${f.openCaseWorkflows} open case workflows with their timers)`,
    '',
    `${f.ingestedCaseWorkflows} came through the webhooks (triaged and announced); ${f.openCaseWorkflows - f.ingestedCaseWorkflows} more were started as already-triaged cases ` +
      `(${f.openedForFootprint ? `${fmt(f.openedForFootprint.succeededPerSecond)} starts/s` : 'none needed'}).`,
    `API ${fmt(f.apiMemory.mainMb)} MB RSS, worker ${fmt(f.workerMemory.mainMb)} MB RSS (process trees incl. the tsx launcher: ${fmt(f.apiMemory.treeMb)} / ${fmt(f.workerMemory.treeMb)} MB); ` +
      `worker sticky cache: ${f.workerStickyCacheSize ?? 'n/a'} workflows.`,
    `Worker restart: polling after ${fmt(f.restart.startToPollingMs / 1000, 1)} s, all ${f.restart.queried} workflows answered a query after ${fmt(f.restart.totalMs / 1000, 1)} s ` +
      `(${fmt(f.restart.queriesPerSecond)} queries/s, ${f.restart.queryErrors} errors${f.restart.sampleQueryErrors.length > 0 ? `: ${f.restart.sampleQueryErrors.join('; ')}` : ''}); worker then ${fmt(f.restart.workerMemoryAfter.mainMb)} MB.`,
    '',
  ];
}

function inboxSection(result: BenchResult): string[] {
  if ('skipped' in result.inbox) return ['## Inbox at scale', '', 'Skipped (--skip-inbox).', ''];
  if ('error' in result.inbox) return ['## Inbox at scale', '', `Failed: ${result.inbox.error}`, ''];
  const inbox = result.inbox;
  const missed = inbox.results.filter((query) => query.p95 >= inbox.goalP95Ms);
  return [
    `## Inbox at ${inbox.cases.toLocaleString('en-US')} cases (${inbox.file})`,
    '',
    `${inbox.results.length - missed.length} of ${inbox.results.length} queries under the ${inbox.goalP95Ms} ms p95 goal.`,
    ...missed.map((query) => `* missed: ${query.name}: p95 ${fmt(query.p95, 1)} ms`),
    '',
  ];
}

export function renderMarkdown(result: BenchResult): string {
  return [
    `# Benchmark ${result.at}${result.options.quick ? ' (quick)' : ''}`,
    '',
    `${result.machine.cpus} cores (load average ${result.machine.loadAverage.map((value) => value.toFixed(1)).join(' / ')} at the start: the machine is shared), Node ${result.machine.node}; ` +
      `Temporal dev server ${result.options.temporalFile ? 'on its SQLite file' : 'in memory'}, embedded PostgreSQL 17. ` +
      'Every figure comes from this run, on the same servers; compare ratios, not absolute numbers, across machines.',
    '',
    '## Goals',
    '',
    '| goal | met | figure |',
    '|---|:---:|---|',
    ...result.goals.map((goal) => `| ${goal.goal} | ${goal.met ? 'yes' : '**no**'} | ${goal.figure} |`),
    '',
    ...result.goals.filter((goal) => !goal.met).map((goal) => `* **${goal.goal}** — bounded by: ${goal.bound}`),
    '',
    ...ingestSection(result),
    ...endToEndSection(result),
    ...footprintSection(result),
    ...inboxSection(result),
  ].join('\n');
}

export function writeReport(result: BenchResult): { json: string; markdown: string } {
  const directory = path.join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, '-');
  const json = path.join(directory, `${stamp}.json`);
  const markdown = path.join(directory, `${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(markdown, `${renderMarkdown(result)}\n`);
  return { json: path.relative(PROJECT_ROOT, json), markdown: path.relative(PROJECT_ROOT, markdown) };
}
