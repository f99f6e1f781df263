import { Client, Connection } from '@temporalio/client';
import { createOrm, type Orm } from '../../db/orm';
import { createLogger } from '../../config/logger';
import { testStack } from './test-stack';

export const silentLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });

export async function connectTestOrm(): Promise<Orm> {
  return createOrm({ databaseUrl: testStack.read().databaseUrl, poolMax: 5 });
}

export async function connectTestTemporal(): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address: testStack.read().temporalAddress });
  return { connection, client: new Client({ connection, namespace: 'default' }) };
}
