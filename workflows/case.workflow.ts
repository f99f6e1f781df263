import { continueAsNew, upsertMemo } from '@temporalio/workflow';
import { registerAgentActions } from './case-agent-actions';
import { registerChannelEvents } from './case-channel-events';
import { CaseClock } from './case-clock';
import { CaseRun } from './case-run';
import type { CaseWorkflowInput } from './case.contract';

/**
 * One case, from its first message until its reopen window has passed (or it is archived).
 * Every change goes through `domain/case-machine`; this function only decides when.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  const run = new CaseRun(input);
  const clock = new CaseClock(run, input.carried?.warnedWindow);
  // Receive: before anything else, so signals buffered before this run started are delivered at once.
  registerChannelEvents(run);
  registerAgentActions(run);
  run.resume();
  if (!input.carried) upsertMemo({ caseNumber: input.caseNumber });

  // One batch of writes per turn, so timers and continue-as-new are looked at even under a steady flood.
  for (;;) {
    if (run.journal.hasPending()) await run.persist();
    if (run.canContinueAsNew())
      await continueAsNew<typeof caseWorkflow>({ ...input, carried: run.carry(clock.warnedWindow) });
    if (run.journal.hasPending()) continue;
    if (run.lifecycleIsOver()) {
      if (await run.end()) return;
      continue;
    }
    await clock.waitForNextEvent();
  }
}
