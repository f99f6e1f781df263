import { createCaseState, DEFAULT_CASE_POLICY } from './case.model';
import { agentFreedBy, countsTowardLoad } from './agent-load';

const base = createCaseState({ channel: 'email', at: 0, assigneeId: 'agent-1', policy: DEFAULT_CASE_POLICY });

describe('an agent load', () => {
  it('counts open and in-progress cases, not waiting, resolved or archived ones', () => {
    expect(countsTowardLoad({ status: 'open', archived: false })).toBe(true);
    expect(countsTowardLoad({ status: 'in_progress', archived: false })).toBe(true);
    expect(countsTowardLoad({ status: 'waiting_for_customer', archived: false })).toBe(false);
    expect(countsTowardLoad({ status: 'resolved', archived: false })).toBe(false);
    expect(countsTowardLoad({ status: 'in_progress', archived: true })).toBe(false);
  });

  it('is freed when the case is reassigned, waits for the customer or is resolved', () => {
    expect(agentFreedBy({ before: base, after: { ...base, assigneeId: 'agent-2' } })).toBe('agent-1');
    expect(agentFreedBy({ before: base, after: { ...base, status: 'waiting_for_customer' } })).toBe('agent-1');
    expect(agentFreedBy({ before: base, after: { ...base, status: 'resolved' } })).toBe('agent-1');
  });

  it('is not freed by a change that leaves the load as it was', () => {
    expect(agentFreedBy({ before: base, after: { ...base, status: 'in_progress' } })).toBeNull();
    const waiting = { ...base, status: 'waiting_for_customer' as const };
    expect(agentFreedBy({ before: waiting, after: { ...waiting, status: 'resolved' } })).toBeNull();
    expect(agentFreedBy({ before: { ...base, assigneeId: null }, after: base })).toBeNull();
  });
});
