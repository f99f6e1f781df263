import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createOrm } from '../db/orm';
import { createCaseWorker } from './create-case-worker';
import { startPendingSweep } from './pending-sweep';
import { createEmailSender } from '../channels/email/email.sender';
import { createMetaSender } from '../channels/meta/meta.sender';
import { createWidgetSender } from '../channels/widget/widget.sender';

/** The worker process for task queue `cases`: SIGINT/SIGTERM drain in-flight tasks, then exit. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_METRICS_PORT}` } },
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
    },
  });
  const connectionOptions = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(connectionOptions);
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });

  const meta = createMetaSender({ graphUrl: config.META_GRAPH_URL, graphVersion: config.META_GRAPH_VERSION });
  const senders = { instagram: meta, facebook: meta, email: createEmailSender(), widget: createWidgetSender() };
  const worker = await createCaseWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    orm,
    client,
    workflowBundlePath: config.WORKFLOW_BUNDLE_PATH,
    secretsKey: Buffer.from(config.SECRETS_KEY, 'base64'),
    senders,
    slack: { apiUrl: config.SLACK_API_URL, publicBaseUrl: config.PUBLIC_BASE_URL },
    llm: {
      baseUrl: config.LLM_BASE_URL,
      apiKey: config.LLM_API_KEY,
      model: config.LLM_MODEL,
      timeoutMs: config.LLM_TIMEOUT_MS,
    },
  });
  const redelivery =
    config.REDELIVERY_INTERVAL_MS > 0
      ? startPendingSweep({
          orm,
          temporal: { client, taskQueue: config.TEMPORAL_TASK_QUEUE },
          intervalMs: config.REDELIVERY_INTERVAL_MS,
          graceMs: config.REDELIVERY_GRACE_MS,
          logger,
        })
      : null;
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      metricsPort: config.WORKER_METRICS_PORT,
      redeliveryIntervalMs: config.REDELIVERY_INTERVAL_MS,
    },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    await redelivery?.stop();
    await orm.close(true);
    await clientConnection.close();
    await connection.close();
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
