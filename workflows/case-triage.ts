import { log, proxyActivities } from '@temporalio/workflow';
import type { TriageActivities } from '../activities/triage.activities';
import type { SlackActivities } from '../activities/slack.activities';
import type { CaseEvent } from '../domain/case-events';
import { applyCaseEvent } from '../domain/case-machine';
import type { CaseNotification } from '../domain/case-notifications';
import type { CaseContext } from './case.workflow';

const triage = proxyActivities<TriageActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
// Slack may be slow, rate-limited or down: notifications retry for hours and never hold the case up.
const slack = proxyActivities<SlackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 30, nonRetryableErrorTypes: ['SlackPermanentError'] },
});

/**
 * What happens right after a case arrives: the AI categorizes it (never over an agent's choice),
 * routing assigns it (never over a manual assignment), and the team is told — unless the category
 * auto-resolved it, which keeps it silent.
 */
export async function triageCase(context: CaseContext): Promise<void> {
  const { orgId, caseId } = context.input;
  const apply = (event: CaseEvent, actor: Parameters<CaseContext['commit']>[0]['actor'], categoryName?: string | null) => {
    const transition = applyCaseEvent({ state: context.state(), event, policy: context.input.policy });
    if (transition.accepted && transition.changed) context.commit({ event, actor, next: transition.state, categoryName });
  };

  if (context.state().categoryId === null) {
    const category = await triage.categorizeCase({ orgId, caseId });
    if (category.categoryId !== null) {
      apply({ type: 'categorize', categoryId: category.categoryId, autoResolve: category.autoResolve, by: 'ai', at: Date.now() }, { type: 'ai' }, category.categoryName);
    }
  }
  if (context.state().resolution === 'auto') return;
  // Routing reads the case's category from the read model.
  await context.persisted(context.snapshot().version);
  if (context.state().assigneeId === null && context.state().status !== 'resolved') {
    const routing = await triage.routeCase({ orgId, caseId });
    if (routing.assigneeId !== null && context.state().assigneeId === null) {
      apply({ type: 'assign', assigneeId: routing.assigneeId, at: Date.now() }, { type: 'routing' });
    }
  }
  await context.persisted(context.snapshot().version);
  try {
    await slack.announceCase({ orgId, caseId, notificationKey: 'case_created' });
  } catch (error) {
    log.warn('new case not announced in Slack', { caseId, error: error instanceof Error ? error.message : String(error) });
  }
}

/** Routing again, later: an agent became available. Never over an assignment made meanwhile. */
export async function routeAgain(context: CaseContext): Promise<void> {
  const state = context.state();
  if (state.assigneeId !== null || state.status === 'resolved' || state.archived) return;
  const routing = await triage.routeCase({ orgId: context.input.orgId, caseId: context.input.caseId });
  if (routing.assigneeId === null || context.state().assigneeId !== null) return;
  const event: CaseEvent = { type: 'assign', assigneeId: routing.assigneeId, at: Date.now() };
  const transition = applyCaseEvent({ state: context.state(), event, policy: context.input.policy });
  if (transition.accepted && transition.changed) context.commit({ event, actor: { type: 'routing' }, next: transition.state });
}

/** Posts one event in the case's Slack thread; failures after retries are logged, never fatal. */
export async function notifyTeam(input: { context: CaseContext; notification: CaseNotification; version: number }): Promise<void> {
  const { orgId, caseId } = input.context.input;
  try {
    await input.context.persisted(input.version);
    await slack.notifyCaseEvent({
      orgId, caseId, kind: input.notification.kind, details: input.notification.details,
      notificationKey: `${input.notification.kind}:${input.version}`,
    });
  } catch (error) {
    log.warn('Slack notification not delivered', { caseId, kind: input.notification.kind, error: error instanceof Error ? error.message : String(error) });
  }
}
