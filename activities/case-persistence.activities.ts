import type { MikroORM } from '@mikro-orm/postgresql';
import type { CaseState } from '../domain/case.model';
import type { TimelineEntry } from '../workflows/case.contract';
import { appendCaseTimeline } from '../db/cases/case-timeline';
import { markCaseLifecycleEnded, writeCaseVersion } from '../db/cases/case-version';

export interface PersistCaseChangesInput {
  orgId: string;
  caseId: string;
  /** The case after the last entry; `version` is that entry's version. */
  version: number;
  state: CaseState;
  /**
   * When the case needs attention under the policy it started with (null once resolved). A write
   * scheduled by a workflow that predates it leaves the column as it was.
   */
  attentionDueAt?: number | null;
  entries: TimelineEntry[];
}

/** Writes a case's lifecycle to the read model. Idempotent: every write is keyed by the case version. */
export function createCasePersistenceActivities(deps: { orm: MikroORM }) {
  return {
    async persistCaseChanges(input: PersistCaseChangesInput): Promise<{ applied: boolean }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const applied = await writeCaseVersion(em, {
          orgId: input.orgId,
          caseId: input.caseId,
          version: input.version,
          state: input.state,
          attentionDueAt: input.attentionDueAt,
          updatedAt: input.entries.at(-1)?.at ?? Date.now(),
        });
        await appendCaseTimeline(em, { orgId: input.orgId, caseId: input.caseId, entries: input.entries });
        return { applied };
      });
    },

    /** The workflow is about to complete: the next message on this thread starts a new case. */
    async markLifecycleEnded(input: { orgId: string; caseId: string; at: number }): Promise<void> {
      await markCaseLifecycleEnded(deps.orm.em.fork(), input);
    },
  };
}

export type CasePersistenceActivities = ReturnType<typeof createCasePersistenceActivities>;
