import type { MikroORM } from '@mikro-orm/postgresql';
import { findCaseRef, type CaseRef } from '../../db/cases/case-views';
import type { Caller } from '../auth/authenticate';
import { problems } from '../http/problem';
import { partnerScope } from './cases.routes';

/** The case the caller names, in their organization (and, for partners, among the cases they created), or a 404. */
export async function findCallerCase(input: { orm: MikroORM; caller: Caller; caseId: string }): Promise<CaseRef> {
  const ref = await findCaseRef(input.orm.em.fork(), {
    orgId: input.caller.orgId,
    caseId: input.caseId,
    createdByUserId: partnerScope(input.caller),
  });
  if (!ref) throw problems.notFound('No such case in your organization.');
  return ref;
}
