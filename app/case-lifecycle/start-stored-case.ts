import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { clearWorkflowStartPending } from '../../db/cases/pending-marks';
import { loadCaseToStart } from '../../db/cases/case-to-start';
import { startCaseWorkflow, type TemporalTarget } from './start-case-workflow';

/**
 * Store-then-start, the start half, for a case the API created: starts its workflow from what is
 * stored, then clears the case's mark. The API calls it right after creating the case; the worker's
 * sweep calls it again for whatever stayed marked. Starting twice finds the running workflow, so
 * calling it twice is harmless.
 */
export async function startStoredCase(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  caseId: string;
}): Promise<void> {
  const em = input.orm.em.fork();
  try {
    await startCaseWorkflow({ temporal: input.temporal, kase: await loadCaseToStart(em, input.caseId) });
  } catch (error) {
    // The workflow ran and has already completed (archived): there is nothing left to start.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await clearWorkflowStartPending(em, input.caseId);
}
