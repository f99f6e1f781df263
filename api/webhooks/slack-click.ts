import type { MikroORM } from '@mikro-orm/postgresql';
import { isDependencyUnavailable } from '../../app/dependency-unavailable';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { findSlackClickedCase, findSlackTeamMember } from '../../db/slack/slack-interactions';
import { ASSIGN_TO_ME_ACTION } from '../../integrations/slack/slack-messages';
import { assignUpdate, setStatusUpdate, type Actor } from '../../workflows/case.contract';
import { runCaseUpdate } from '../cases/case-updates';
import { ensureCaseWorkflow } from '../cases/case-workflow';
import { ProblemError } from '../http/problem';

/** A verified click on one of our buttons. */
export interface SlackClick {
  orgId: string;
  actionId: string;
  caseId: string | undefined;
  slackUserId: string | undefined;
  /** From Slack's ids for this click: Slack's retries of it name the same update, which the case runs once. */
  updateId: string;
}

/** Acts on a click and says, for the clicking user, what came of it. */
export async function performSlackClick(
  deps: { orm: MikroORM; temporal: TemporalTarget; updateDeadlineMs?: number },
  click: SlackClick,
): Promise<string> {
  const em = deps.orm.em.fork();
  const userId = click.slackUserId
    ? await findSlackTeamMember(em, { orgId: click.orgId, slackUserId: click.slackUserId })
    : null;
  if (!userId) return 'Link your Slack account first: ask an admin to add your Slack user id to your profile.';
  const kase = click.caseId ? await findSlackClickedCase(em, { orgId: click.orgId, caseId: click.caseId }) : null;
  if (!kase) return 'Case not found.';

  const actor: Actor = { type: 'agent', userId };
  const common = { temporal: deps.temporal.client, updateId: click.updateId, deadlineMs: deps.updateDeadlineMs };
  try {
    const workflowId = await ensureCaseWorkflow({ orm: deps.orm, temporal: deps.temporal, kase });
    if (click.actionId === ASSIGN_TO_ME_ACTION) {
      await runCaseUpdate({
        ...common,
        workflowId,
        update: assignUpdate,
        arg: { assigneeId: userId, actor },
      });
      return 'The case is assigned to you.';
    }
    await runCaseUpdate({ ...common, workflowId, update: setStatusUpdate, arg: { to: 'resolved', actor } });
    return 'The case is resolved.';
  } catch (error) {
    if (error instanceof ProblemError && error.status < 500) return error.detail;
    if (isDependencyUnavailable(error) || (error instanceof ProblemError && error.status === 503)) {
      return 'The case did not answer in time; your click may still take effect. Look again in a moment.';
    }
    throw error;
  }
}
