import { proxyActivities } from '@temporalio/workflow';
import type { TriageActivities } from '../activities/triage.activities';
import type { CaseContext } from './case-context';

const triage = proxyActivities<TriageActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** A failed triage step, named for the case's timeline ("categorization failed: …"). */
export class TriageStepFailed extends Error {
  constructor(
    readonly step: 'categorization' | 'routing',
    cause: unknown,
  ) {
    super(`${step} failed`, { cause });
  }
}

/**
 * What happens right after a case arrives: the AI categorizes it (never over an agent's choice) and
 * routing assigns it (never over a manual assignment). An auto-resolve category closes it silently.
 */
export async function triageCase(context: CaseContext): Promise<void> {
  const { orgId, caseId } = context.input;
  if (context.state().categoryId === null) {
    const category = await step('categorization', () =>
      context.work.call(() => triage.categorizeCase({ orgId, caseId })),
    );
    if (category.categoryId !== null) {
      context.apply({
        event: {
          type: 'categorize',
          categoryId: category.categoryId,
          autoResolve: category.autoResolve,
          by: 'ai',
          at: Date.now(),
        },
        actor: { type: 'ai' },
        categoryName: category.categoryName,
      });
    }
  }
  if (context.state().resolution === 'auto') return;
  await routeIfUnassigned(context);
}

/** Routing, now or later (an agent became available). Never over an assignment made meanwhile. */
export async function routeIfUnassigned(context: CaseContext): Promise<void> {
  const unassigned = () =>
    context.state().assigneeId === null && context.state().status !== 'resolved' && !context.state().archived;
  if (!unassigned()) return;
  // Routing reads the case's category from the read model.
  await context.persisted(context.snapshot().version);
  const routing = await step('routing', () =>
    context.work.call(() => triage.routeCase({ orgId: context.input.orgId, caseId: context.input.caseId })),
  );
  if (routing.assigneeId !== null && unassigned())
    context.apply({
      event: { type: 'assign', assigneeId: routing.assigneeId, at: Date.now() },
      actor: { type: 'routing' },
    });
}

async function step<Result>(name: TriageStepFailed['step'], run: () => Promise<Result>): Promise<Result> {
  try {
    return await run();
  } catch (error) {
    throw new TriageStepFailed(name, error);
  }
}
