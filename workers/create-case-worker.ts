import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createCaseIntakeActivities } from '../activities/case-intake.activities';
import { createCasePersistenceActivities } from '../activities/case-persistence.activities';

export interface CaseWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  orm: MikroORM;
  client: Client;
  /** A prebuilt bundle (tests bundle once per run); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
}

export function buildCaseActivities(deps: Pick<CaseWorkerDeps, 'orm' | 'client' | 'taskQueue'>) {
  const temporal = { client: deps.client, taskQueue: deps.taskQueue };
  return {
    ...createCasePersistenceActivities({ orm: deps.orm }),
    ...createCaseIntakeActivities({ orm: deps.orm, temporal }),
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
