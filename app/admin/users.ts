import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  insertUser,
  otherActiveAdminExists,
  selectUser,
  selectUserByEmail,
  selectUsers,
  updateUserColumns,
  type UserView,
} from '../../db/users/user-queries';
import { selectOrganizationPlan } from '../../db/admin/organization-queries';
import type { UserRole } from '../../db/entities';
import { offerWaitingCases } from '../case-lifecycle/offer-waiting-cases';
import type { TemporalTarget } from '../case-lifecycle/start-case-workflow';
import { appErrors, withConflictOnDuplicate } from '../app-error';
import { partnerAccessRefusal } from '../partner-access';
import { isUuid } from './admin-inputs';
import type { CreateUserInput, OwnProfileInput, UpdateUserInput } from './user-inputs';

export type { UserView };

interface OrgContext {
  em: EntityManager;
  orgId: string;
}

const userNotFound = () => appErrors.notFound('No such user in your organization.');

/** The user, or not_found when the organization has none with this id. */
export async function getUser(input: OrgContext & { userId: string }): Promise<UserView> {
  const user = isUuid(input.userId) ? await selectUser(input.em, input) : undefined;
  if (!user) throw userNotFound();
  return user;
}

/** Operators name users by email. */
export async function findUserByEmail(input: OrgContext & { email: string }): Promise<UserView> {
  const user = await selectUserByEmail(input.em, input);
  if (!user) throw appErrors.notFound(`No user ${input.email} in the organization.`);
  return user;
}

/** The team, active and deactivated. */
export async function listUsers(input: OrgContext): Promise<UserView[]> {
  return selectUsers(input.em, input.orgId);
}

async function assertRoleAllowed(input: OrgContext & { role: UserRole | undefined }): Promise<void> {
  if (input.role !== 'partner') return;
  const plan = await selectOrganizationPlan(input.em, input.orgId);
  const refusal = plan && partnerAccessRefusal(plan);
  if (refusal) throw refusal;
}

/** An organization must keep one active admin, or nobody could manage it again through the API. */
async function assertOtherAdminRemains(input: OrgContext & { userId: string }): Promise<void> {
  if (!(await otherActiveAdminExists(input.em, input)))
    throw appErrors.conflict('This is the last active admin of the organization.', 'last-admin');
}

export async function createUser(input: OrgContext & { user: CreateUserInput }): Promise<UserView> {
  const { em, orgId, user } = input;
  await assertRoleAllowed({ em, orgId, role: user.role });
  const conflict = `A user with email ${user.email} already exists.`;
  if (await selectUserByEmail(em, { orgId, email: user.email })) throw appErrors.conflict(conflict);
  return withConflictOnDuplicate(conflict, () => insertUser(em, { orgId, ...user, capacity: user.capacity ?? null }));
}

export async function updateUser(input: OrgContext & { userId: string; changes: UpdateUserInput }): Promise<UserView> {
  const { em, orgId, changes } = input;
  const user = await getUser(input);
  await assertRoleAllowed({ em, orgId, role: changes.role });
  if (user.role === 'admin' && changes.role !== undefined && changes.role !== 'admin')
    await assertOtherAdminRemains({ em, orgId, userId: user.id });
  return updateColumns({ em, orgId, userId: user.id, changes });
}

/** A team member's own name and Slack account link. */
export async function updateOwnProfile(
  input: OrgContext & { userId: string; changes: OwnProfileInput },
): Promise<UserView> {
  return updateColumns(input);
}

async function updateColumns(input: OrgContext & { userId: string; changes: UpdateUserInput }): Promise<UserView> {
  const updated = await withConflictOnDuplicate('This Slack account is linked to another team member.', () =>
    input.em.transactional((tx) => updateUserColumns(tx, input)),
  );
  if (!updated) throw userNotFound();
  return updated;
}

/** Their tokens stop working at once: authentication refuses a deactivated user's token. Idempotent. */
export async function deactivateUser(input: OrgContext & { userId: string }): Promise<UserView> {
  const { em, orgId } = input;
  const user = await getUser(input);
  if (user.deactivatedAt) return user;
  if (user.role === 'admin') await assertOtherAdminRemains({ em, orgId, userId: user.id });
  const updated = await updateUserColumns(em, {
    orgId,
    userId: user.id,
    changes: { deactivatedAt: new Date(), available: false },
  });
  if (!updated) throw userNotFound();
  return updated;
}

/** A user who becomes available is offered the waiting cases routing would now give them. */
export async function setOwnAvailability(input: {
  orm: MikroORM;
  temporal?: TemporalTarget;
  orgId: string;
  userId: string;
  available: boolean;
}): Promise<UserView> {
  const { orm, temporal, orgId, userId, available } = input;
  const updated = await updateUserColumns(orm.em.fork(), { orgId, userId, changes: { available } });
  if (!updated) throw userNotFound();
  if (available && temporal) await offerWaitingCases({ orm, temporal, orgId, userId });
  return updated;
}
