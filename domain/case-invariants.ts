import { CASE_STATUSES, type CaseState } from './case.model';
import { CHANNELS, isTimeSensitiveChannel } from './channel-registry';

/** Every rule a case state must satisfy; empty when the state is sound. */
export function findInvariantViolations(state: CaseState): string[] {
  const violations: string[] = [];
  const resolved = state.status === 'resolved';
  if (!(CASE_STATUSES as readonly string[]).includes(state.status))
    violations.push(`status "${state.status}" is not a case status`);
  if (!(CHANNELS as readonly string[]).includes(state.channel))
    violations.push(`channel "${state.channel}" is not a channel`);
  if (state.archived && !resolved) violations.push('an archived case must be resolved');
  if (resolved !== (state.resolution !== null))
    violations.push('resolution must be set exactly when the case is resolved');
  if (resolved !== (state.resolvedAt !== null))
    violations.push('resolvedAt must be set exactly when the case is resolved');
  if (state.needsAttention && resolved) violations.push('a resolved case cannot need attention');
  if (state.windowExpiresAt !== null && !isTimeSensitiveChannel(state.channel)) {
    violations.push(`a messaging window only exists on time-sensitive channels, not on ${state.channel}`);
  }
  return violations;
}
