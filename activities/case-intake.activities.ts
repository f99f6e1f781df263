import type { MikroORM } from '@mikro-orm/postgresql';
import { offerWaitingCases } from '../app/case-lifecycle/offer-waiting-cases';
import { openFollowUpCase } from '../app/case-lifecycle/open-follow-up-case';
import type { TemporalTarget } from '../app/case-lifecycle/start-case-workflow';

/** Intake work a case workflow hands back to ingest: a late message that belongs to a new case. */
export function createCaseIntakeActivities(deps: { orm: MikroORM; temporal: TemporalTarget }) {
  return {
    async openFollowUpCase(input: {
      orgId: string;
      previousCaseId: string;
      messageId: string;
    }): Promise<{ caseId: string; workflowId: string }> {
      return openFollowUpCase({ orm: deps.orm, temporal: deps.temporal, ...input });
    },

    /** The agent's case was resolved or handed back: their freed capacity goes to waiting cases. */
    async offerWaitingCases(input: { orgId: string; userId: string }): Promise<number> {
      return offerWaitingCases({ orm: deps.orm, temporal: deps.temporal, ...input });
    },
  };
}

export type CaseIntakeActivities = ReturnType<typeof createCaseIntakeActivities>;
