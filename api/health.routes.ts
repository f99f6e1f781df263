import { Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Connection } from '@temporalio/client';
import { pingDatabase } from '../db/health/ping-database';
import type { HttpMetrics } from './metrics';

const CHECK_TIMEOUT_MS = 2_000;

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(
  probe: () => Promise<unknown>,
): Promise<{ status: 'ok' | 'down'; error?: string; latencyMs: number }> {
  const started = Date.now();
  try {
    await withTimeout(probe());
    return { status: 'ok', latencyMs: Date.now() - started };
  } catch (error) {
    return {
      status: 'down',
      error: error instanceof Error ? error.message.split('\n')[0] : 'unreachable',
      latencyMs: Date.now() - started,
    };
  }
}

/** `/health` checks Postgres and Temporal separately and answers 503 when either is down. */
export function createHealthRouter(deps: {
  orm: MikroORM;
  temporalConnection: Connection;
  metrics: HttpMetrics;
}): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      check(() => pingDatabase(deps.orm.em.fork())),
      check(async () => {
        const response = await deps.temporalConnection.healthService.check({});
        if (response.status !== 1) throw new Error('not serving');
      }),
    ]);
    const healthy = postgres.status === 'ok' && temporal.status === 'ok';
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', checks: { postgres, temporal } });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
