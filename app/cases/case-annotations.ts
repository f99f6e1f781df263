import { deviceExists } from '../../db/cases/case-references';
import { insertCaseNote, linkCaseDevice, markCaseRead, markCaseUnread } from '../../db/cases/case-marks';
import { loadCaseView, type CaseView } from '../../db/cases/case-views';
import { appErrors } from '../app-error';
import { uuidFromRequestKey } from '../request-ids';
import type { CaseActionDeps, CaseActor } from './case-actor';
import type { CaseRequest } from './case-actions';
import { findActorCase } from './find-actor-case';

// What an agent adds to a case without changing its lifecycle: the case workflow is not asked.

/** Links one of the organization's devices to the case; null unlinks. */
export async function linkDeviceToCase(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: { caseId: string; deviceId: string | null },
): Promise<CaseView | null> {
  const em = deps.orm.em.fork();
  const kase = await findActorCase(em, actor, request.caseId);
  if (request.deviceId !== null && !(await deviceExists(em, { orgId: actor.orgId, deviceId: request.deviceId })))
    throw appErrors.invalidField('deviceId', 'No such device in your organization.');
  await linkCaseDevice(em, { orgId: actor.orgId, caseId: kase.id, deviceId: request.deviceId });
  return loadCaseView(em, { orgId: actor.orgId, caseId: kase.id });
}

/** Read marks are per user: the inbox's "unread" filter is the actor's own. */
export async function markCaseReadFor(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: { caseId: string; read: boolean },
): Promise<{ unread: boolean }> {
  const em = deps.orm.em.fork();
  const kase = await findActorCase(em, actor, request.caseId);
  if (request.read) await markCaseRead(em, { orgId: actor.orgId, userId: actor.userId, caseId: kase.id });
  else await markCaseUnread(em, { userId: actor.userId, caseId: kase.id });
  return { unread: !request.read };
}

/** An internal note, never sent to the customer. Its id comes from the request, so a retry stores it once. */
export async function addCaseNote(
  deps: CaseActionDeps,
  actor: CaseActor,
  request: CaseRequest & { body: string },
): Promise<{ id: string }> {
  const em = deps.orm.em.fork();
  const kase = await findActorCase(em, actor, request.caseId);
  const id = uuidFromRequestKey({ requestKey: request.requestKey, purpose: 'note' });
  await insertCaseNote(em, { noteId: id, caseId: kase.id, authorUserId: actor.userId, body: request.body });
  return { id };
}
