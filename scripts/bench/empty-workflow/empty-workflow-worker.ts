import { NativeConnection, Worker } from '@temporalio/worker';
import { envSchema } from '../../../config/env.schema';
import { EMPTY_WORKFLOW_TASK_QUEUE } from './empty-workflow-queue';

/** Runs the benchmark's empty workflow in its own process, as the case worker runs case workflows in theirs. SIGTERM drains it (the SDK's default). */
async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS } = envSchema.pick({ TEMPORAL_ADDRESS: true }).parse(process.env);
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: EMPTY_WORKFLOW_TASK_QUEUE,
      workflowsPath: require.resolve('./empty.workflow'),
    });
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
