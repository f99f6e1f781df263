import path from 'node:path';
import { rmSync } from 'node:fs';
import type { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createOrm, type Orm } from '../../db/orm';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { startPostgres, type RunningPostgres } from '../../scripts/local-stack/postgres';
import { connectTestOrm, connectTestTemporal, silentLogger } from '../support/connections';
import { listen, type RunningApp } from '../support/http';
import { makeTestRunDir } from '../support/run-dir';

interface HealthBody {
  checks: Record<'postgres' | 'temporal', { status: string }>;
}

describe('/health and /metrics', () => {
  let temporal: { connection: Connection; client: Client };
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await temporal.connection.close();
  });

  const appFor = (orm: Orm) =>
    listen(
      createApp({
        orm,
        temporal: temporal.client,
        temporalConnection: temporal.connection,
        taskQueue: 'health',
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'http://localhost',
      }),
    );

  it('reports postgres and temporal ok, and serves Prometheus metrics', async () => {
    const orm = await connectTestOrm();
    const app = await appFor(orm);
    try {
      const health = await fetch(`${app.baseUrl}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as HealthBody;
      expect(body.checks.postgres.status).toBe('ok');
      expect(body.checks.temporal.status).toBe('ok');
      expect(health.headers.get('x-request-id')).toBeTruthy();

      const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
      expect(metrics).toContain('http_requests_total');
      expect(metrics).toContain('process_resident_memory_bytes');
    } finally {
      await app.close();
      await orm.close(true);
    }
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const orm = await connectTestOrm();
    const app = await appFor(orm);
    try {
      const response = await fetch(`${app.baseUrl}/nope`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 404, type: expect.stringContaining('not-found') });
    } finally {
      await app.close();
      await orm.close(true);
    }
  });

  describe('when PostgreSQL is stopped', () => {
    let dataRoot: string;
    let postgres: RunningPostgres;
    let orm: Orm;
    let app: RunningApp;

    beforeAll(async () => {
      dataRoot = makeTestRunDir('health-');
      postgres = await startPostgres({
        dataDir: path.join(dataRoot, 'pg'),
        port: await findFreePort(),
        persistent: false,
        databases: ['health'],
      });
      orm = await createOrm({ databaseUrl: `${postgres.serverUrl}/health`, poolMax: 2 });
      app = await appFor(orm);
    });
    afterAll(async () => {
      await app.close();
      await orm.close(true);
      await postgres.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    });

    it('turns 503 with postgres down and temporal still ok,', async () => {
      expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
      await postgres.stop();
      const response = await fetch(`${app.baseUrl}/health`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as HealthBody;
      expect(body.checks.postgres.status).toBe('down');
      expect(body.checks.temporal.status).toBe('ok');
    });
  });
});
