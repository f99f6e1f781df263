import type { EntityManager } from '@mikro-orm/postgresql';
import { findCaseRef, type CaseRef } from '../../db/cases/case-views';
import { appErrors } from '../app-error';
import { partnerScope, type CaseActor } from './case-actor';

/** The case the actor names, in their organization (for partners, among the cases they created), or not_found. */
export async function findActorCase(em: EntityManager, actor: CaseActor, caseId: string): Promise<CaseRef> {
  const ref = await findCaseRef(em, { orgId: actor.orgId, caseId, createdByUserId: partnerScope(actor) });
  if (!ref) throw appErrors.notFound('No such case in your organization.');
  return ref;
}
