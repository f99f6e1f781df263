import { defineSignal, setHandler } from '@temporalio/workflow';

export const pingSignal = defineSignal<[{ messageId: string }]>('ping');

/** The least a workflow can be: it takes the signal it was started with and completes. The baseline for ingest's signalWithStart. */
export async function benchEmptyWorkflow(): Promise<void> {
  setHandler(pingSignal, () => undefined);
}
