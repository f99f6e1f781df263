import { proxyActivities } from '@temporalio/workflow';
import type { CaseIntakeActivities } from '../activities/case-intake.activities';
import type { CasePersistenceActivities } from '../activities/case-persistence.activities';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
// A write takes milliseconds; one lost with a crashed worker is retried after this, and the version guard makes a repeat harmless.
export const persistence = proxyActivities<CasePersistenceActivities>({ startToCloseTimeout: '10 seconds', retry });
// Bounded, so a long outage ends in a recorded failure instead of a call that holds the run open.
export const intake = proxyActivities<CaseIntakeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { ...retry, maximumAttempts: 10 },
});
