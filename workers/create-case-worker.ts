import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createCaseIntakeActivities } from '../activities/case-intake.activities';
import { createCasePersistenceActivities } from '../activities/case-persistence.activities';
import { createReplyDeliveryActivities } from '../activities/reply-delivery.activities';
import type { ChannelSenders } from '../channels/outbound/channel-sender';

export interface CaseWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  orm: MikroORM;
  client: Client;
  /** A prebuilt bundle (tests bundle once per run); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** How replies leave, per channel; channels without one keep replies on the case as not sent. */
  senders?: ChannelSenders;
  /** Decrypts channel credentials (config SECRETS_KEY). */
  secretsKey: Buffer;
}

export function buildCaseActivities(deps: Pick<CaseWorkerDeps, 'orm' | 'client' | 'taskQueue' | 'senders' | 'secretsKey'>) {
  const temporal = { client: deps.client, taskQueue: deps.taskQueue };
  return {
    ...createCasePersistenceActivities({ orm: deps.orm }),
    ...createCaseIntakeActivities({ orm: deps.orm, temporal }),
    ...createReplyDeliveryActivities({ orm: deps.orm, senders: deps.senders ?? {}, secretsKey: deps.secretsKey }),
  };
}

export async function createCaseWorker(deps: CaseWorkerDeps, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  const workflowSource = deps.workflowBundlePath
    ? { workflowBundle: { codePath: deps.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows/index') };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...workflowSource,
    activities: buildCaseActivities(deps),
    ...overrides,
  });
}
