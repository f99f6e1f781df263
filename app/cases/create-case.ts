import { loadCaseView, type CaseView } from '../../db/cases/case-views';
import { createManualCase, type ManualCaseInput } from '../../db/cases/create-manual-case';
import { startCreatedCase } from '../case-lifecycle/start-created-case';
import { AppError } from '../app-error';
import type { CaseActionDeps, CaseActor } from './case-actor';

/**
 * A case no provider brings: an agent's (manual) or a partner user's (partner), with its first text
 * as a note. Stored first, then started; with Temporal away it is still created (see startCreatedCase).
 */
export async function createCase(
  deps: CaseActionDeps,
  actor: CaseActor,
  input: Omit<ManualCaseInput, 'orgId' | 'createdByUserId' | 'openedAt'>,
): Promise<CaseView | null> {
  if ((input.channel === 'partner') !== (actor.role === 'partner')) {
    throw new AppError(
      'forbidden',
      actor.role === 'partner'
        ? 'Partner users create cases with channel "partner".'
        : 'Only partner users create partner cases.',
    );
  }
  const created = await createManualCase(deps.orm.em.fork(), {
    ...input,
    orgId: actor.orgId,
    createdByUserId: actor.userId,
    openedAt: new Date(),
  });
  await startCreatedCase({ orm: deps.orm, temporal: deps.temporal, caseId: created.id });
  return loadCaseView(deps.orm.em.fork(), { orgId: actor.orgId, caseId: created.id });
}
