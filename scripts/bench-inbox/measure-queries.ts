import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { buildBenchQueries } from './inbox-queries';

export interface Measured {
  name: string;
  rows: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU time of the PostgreSQL backend per run (null when the server is not on this machine). */
  cpuMsPerRun: number | null;
  plan: string[];
}

/** The statements the ORM sent, in order; the measuring reads the last one to explain its plan. */
export type CapturedStatements = Array<{ sql: string; params: unknown[] }>;

/**
 * Each query warmed three times, then timed `runs` times on one connection, with the backend's CPU
 * time over those runs and the plan of the inbox statement it sent.
 */
export async function measureQueries(input: {
  em: EntityManager;
  runs: number;
  captured: CapturedStatements;
}): Promise<Measured[]> {
  const { em, runs, captured } = input;
  const results: Measured[] = [];
  const backend: Array<{ pid: number }> = await em.execute('select pg_backend_pid() as pid');
  for (const query of await buildBenchQueries(em)) {
    for (let warm = 0; warm < 3; warm += 1) await query.run(em);
    const timings: number[] = [];
    let rows = 0;
    const cpuBefore = backendCpuMs(backend[0].pid);
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      rows = await query.run(em);
      timings.push(performance.now() - started);
    }
    const cpuAfter = backendCpuMs(backend[0].pid);
    const cpuMsPerRun = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / runs;
    captured.length = 0;
    await query.run(em);
    // The last statement is the inbox query itself (the first reads the organization's settings).
    const statement = captured[captured.length - 1];
    const plan: Array<{ 'QUERY PLAN': string }> = await em.execute(`explain ${statement.sql}`, statement.params);
    timings.sort((a, b) => a - b);
    results.push({
      name: query.name,
      rows,
      p50: percentile(timings, 50),
      p95: percentile(timings, 95),
      p99: percentile(timings, 99),
      cpuMsPerRun,
      plan: plan.map((line) => line['QUERY PLAN']),
    });
    console.error(
      `  ${query.name}: p95 ${percentile(timings, 95).toFixed(1)} ms, backend CPU ${cpuMsPerRun?.toFixed(1) ?? '?'} ms/run`,
    );
  }
  return results;
}

/**
 * User + system CPU of a server process on this machine, from /proc (clock ticks of 10 ms).
 * Wall times suffer when other processes share the two cores; a backend's CPU time barely does.
 */
function backendCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
