import type { MikroORM } from '@mikro-orm/postgresql';
import { startStoredCase } from '../../app/case-lifecycle/start-stored-case';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';

/**
 * The workflow an action on the case goes to. A case created while Temporal was down and not yet
 * swept is started first, rather than answered as ended.
 */
export async function ensureCaseWorkflow(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  kase: { id: string; workflowId: string; workflowStartPending: boolean };
}): Promise<string> {
  if (input.kase.workflowStartPending)
    await startStoredCase({ orm: input.orm, temporal: input.temporal, caseId: input.kase.id });
  return input.kase.workflowId;
}
