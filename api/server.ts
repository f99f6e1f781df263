import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config';
import { createLogger } from '../config/logger';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createOrm } from '../db/orm';
import { createApp } from './app';
import { rateLimitSettings } from './http/rate-limit';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  // Lazy: the API starts (and /health reports) even while Temporal is still coming up.
  const connection = Connection.lazy(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({
    orm,
    temporal,
    temporalConnection: connection,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    bodyLimit: config.API_BODY_LIMIT,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    webhookConfig: config,
    secretsKey: Buffer.from(config.SECRETS_KEY, 'base64'),
    twilioApiUrl: config.TWILIO_API_URL,
    rateLimits: rateLimitSettings(config),
    // In development the health polls would bury the banner with the token.
    routineRequestLogLevel: config.NODE_ENV === 'development' ? 'debug' : 'info',
  });

  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info({ port: config.API_PORT }, `API listening on ${config.PUBLIC_BASE_URL}`);
  });
  const shutdown = () => {
    logger.info('API shutting down');
    server.close(() => {
      void Promise.allSettled([orm.close(true), connection.close()]).then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
