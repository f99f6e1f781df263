/** Routing rules are tried in position order; the first enabled match assigns the case. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { selectLiveCategoryIds } from '../../db/admin/category-queries';
import type { RoutingAction } from './routing-rule-schemas';
import {
  deleteRoutingRule as deleteRoutingRuleRow,
  insertRoutingRule,
  lockRoutingRuleIds,
  routingRuleExists,
  selectRoutingRules,
  updateRoutingRuleColumns,
  writeRoutingRulePositions,
  type RoutingRuleView,
} from '../../db/routing/routing-rule-queries';
import { selectRoutableUserIds } from '../../db/users/user-queries';
import { AppError, appErrors, type FieldError } from '../app-error';
import { isUuid } from './admin-inputs';
import type { CreateRoutingRuleInput, UpdateRoutingRuleInput } from './routing-rule-inputs';

export type { RoutingRuleView };

interface OrgContext {
  em: EntityManager;
  orgId: string;
}

const ruleNotFound = () => appErrors.notFound('No such routing rule in your organization.');

/** Every user a rule routes to must be an active admin or agent of the organization, and every category one of its own. */
async function checkReferences(input: OrgContext & { action?: RoutingAction; categoryIds?: string[] }): Promise<void> {
  const { em, orgId, action, categoryIds } = input;
  const errors: FieldError[] = [];
  if (action) {
    const wanted = action.type === 'user' ? [action.userId] : action.userIds;
    const found = await selectRoutableUserIds(em, { orgId, userIds: wanted });
    wanted.forEach((id, index) => {
      if (found.has(id)) return;
      const field = action.type === 'user' ? 'action.userId' : `action.userIds.${index}`;
      errors.push({ field, message: 'No active agent or admin with this id in your organization.' });
    });
  }
  if (categoryIds && categoryIds.length > 0) {
    const found = await selectLiveCategoryIds(em, { orgId, categoryIds });
    categoryIds.forEach((id, index) => {
      if (!found.has(id))
        errors.push({ field: `conditions.categoryIds.${index}`, message: 'No such category in your organization.' });
    });
  }
  if (errors.length > 0) throw invalidFields(errors);
}

const invalidFields = (fieldErrors: FieldError[]) =>
  new AppError('invalid', fieldErrors.map((error) => `${error.field}: ${error.message}`).join('; '), { fieldErrors });

export async function listRoutingRules(input: OrgContext): Promise<RoutingRuleView[]> {
  return selectRoutingRules(input.em, input.orgId);
}

/** Added after the last rule. */
export async function createRoutingRule(
  input: OrgContext & { rule: CreateRoutingRuleInput },
): Promise<RoutingRuleView> {
  const { em, orgId, rule } = input;
  await checkReferences({ em, orgId, action: rule.action, categoryIds: rule.conditions.categoryIds });
  return insertRoutingRule(em, { orgId, ...rule, enabled: rule.enabled ?? true });
}

/** Applies to cases routed from now on. */
export async function updateRoutingRule(
  input: OrgContext & { ruleId: string; changes: UpdateRoutingRuleInput },
): Promise<RoutingRuleView> {
  const { em, orgId, ruleId, changes } = input;
  // Another organization's rule answers 404 whatever the changes, exactly like a missing one.
  if (!isUuid(ruleId) || !(await routingRuleExists(em, { orgId, ruleId }))) throw ruleNotFound();
  await checkReferences({ em, orgId, action: changes.action, categoryIds: changes.conditions?.categoryIds });
  const updated = await updateRoutingRuleColumns(em, { orgId, ruleId, changes });
  if (!updated) throw ruleNotFound();
  return updated;
}

export async function deleteRoutingRule(
  input: OrgContext & { ruleId: string },
): Promise<{ id: string; deleted: true }> {
  const deleted = isUuid(input.ruleId) && (await deleteRoutingRuleRow(input.em, input));
  if (!deleted) throw ruleNotFound();
  return { id: input.ruleId, deleted: true };
}

/** The new order names every rule of the organization exactly once, first to last. */
export async function reorderRoutingRules(input: OrgContext & { ids: string[] }): Promise<RoutingRuleView[]> {
  const { em, orgId, ids } = input;
  await em.transactional(async (tx) => {
    const current = await lockRoutingRuleIds(tx, orgId);
    const exact = ids.length === current.size && new Set(ids).size === ids.length && ids.every((id) => current.has(id));
    if (!exact)
      throw invalidFields([
        { field: 'ids', message: "Give each of your organization's routing rule ids exactly once." },
      ]);
    await writeRoutingRulePositions(tx, { orgId, orderedIds: ids });
  });
  return selectRoutingRules(em, orgId);
}
