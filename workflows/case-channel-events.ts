import { log, setHandler } from '@temporalio/workflow';
import type { CaseEvent } from '../domain/case-events';
import { isTimeSensitive } from '../domain/case-timers';
import { caseStateQuery, customerMessageSignal, routingOpportunitySignal } from './case.contract';
import type { CaseContext } from './case-context';

/** Signals from channels (delivered at least once, so deduplicated by id) and routing, and the state query. */
export function registerChannelEvents(context: CaseContext): void {
  const { policy } = context.input;

  function customerWrote(input: { eventId: string; at: number }): 'applied' | 'new_case_required' | 'ignored' {
    const event: CaseEvent = { type: 'customer_message', at: input.at };
    const transition = context.apply({ event, actor: { type: 'customer' } });
    if (transition.accepted) {
      context.customerWrote();
      return 'applied';
    }
    if (transition.code === 'new_case_required') return 'new_case_required';
    log.warn('customer message not applied', {
      caseId: context.input.caseId,
      eventId: input.eventId,
      reason: transition.reason,
    });
    return 'ignored';
  }

  setHandler(customerMessageSignal, async ({ messageId, at }) => {
    if (!context.seenEventIds.add(messageId)) return;
    // A message after the reopen window belongs to a new case linked to this one.
    if (customerWrote({ eventId: messageId, at }) === 'new_case_required') await context.openFollowUpCase(messageId);
  });

  setHandler(routingOpportunitySignal, () => context.routeAgain());

  setHandler(caseStateQuery, () => ({
    ...context.snapshot(),
    policy,
    timeSensitive: isTimeSensitive({ state: context.state(), now: Date.now() }),
    triage: context.triageStatus(),
  }));
}
