import type { Orm } from '../../db/orm';
import type { AnnouncementTracker } from './announcements';
import type { BenchOrganization } from './bench-organization';
import type { BenchStack } from './bench-stack';
import type { LoadResult } from './load-driver';
import { CpuMeter } from './process-stats';
import type { WebhookFactory } from './webhook-builders';

/** What every measurement phase works with. */
export interface BenchContext {
  stack: BenchStack;
  org: BenchOrganization;
  factory: WebhookFactory;
  tracker: AnnouncementTracker;
  /** The bench process's own connection, for reading results (a small pool, outside the measured paths). */
  orm: Orm;
  log: (line: string) => void;
}

export type MeasuredLoad = LoadResult & {
  /** CPU of each process tree during the measurement, in % of one core (this machine has two). */
  cpuPercent: Record<string, number>;
};

export async function withCpu(context: BenchContext, measure: () => Promise<LoadResult>): Promise<MeasuredLoad> {
  const meter = new CpuMeter(context.stack.processes());
  const result = await measure();
  return { ...result, cpuPercent: meter.read() };
}
