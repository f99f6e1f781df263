import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../../app/app-error';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { assignCase, changeCaseStatus } from '../../app/cases/case-actions';
import type { CaseActor } from '../../app/cases/case-actor';
import { isDependencyUnavailable } from '../../app/dependency-unavailable';
import { findSlackTeamMember } from '../../db/slack/slack-interactions';
import { ASSIGN_TO_ME_ACTION } from '../../integrations/slack/slack-messages';

/** A verified click on one of our buttons. */
export interface SlackClick {
  orgId: string;
  actionId: string;
  caseId: string | undefined;
  slackUserId: string | undefined;
  /** From Slack's ids for this click: Slack's retries of it name the same update, which the case runs once. */
  updateId: string;
}

/** Acts on a click through the same actions as the API, and says, for the clicking user, what came of it. */
export async function performSlackClick(
  deps: { orm: MikroORM; temporal: TemporalTarget; updateDeadlineMs?: number },
  click: SlackClick,
): Promise<string> {
  const userId = click.slackUserId
    ? await findSlackTeamMember(deps.orm.em.fork(), { orgId: click.orgId, slackUserId: click.slackUserId })
    : null;
  if (!userId) return 'Link your Slack account first: ask an admin to add your Slack user id to your profile.';
  if (!click.caseId) return 'Case not found.';
  // A linked Slack account belongs to an admin or an agent; both act on cases as agents.
  const actor: CaseActor = { orgId: click.orgId, userId, role: 'agent' };
  const request = { caseId: click.caseId, requestKey: click.updateId };
  try {
    if (click.actionId === ASSIGN_TO_ME_ACTION) {
      await assignCase(deps, actor, { ...request, assigneeId: userId });
      return 'The case is assigned to you.';
    }
    await changeCaseStatus(deps, actor, { ...request, status: 'resolved' });
    return 'The case is resolved.';
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return 'Case not found.';
    if (error instanceof AppError && error.code !== 'unavailable') return error.message;
    if (error instanceof AppError || isDependencyUnavailable(error))
      return 'The case did not answer in time; your click may still take effect. Look again in a moment.';
    throw error;
  }
}
