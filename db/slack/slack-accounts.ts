import type { EntityManager } from '@mikro-orm/postgresql';

/** The organization's Slack bot token (encrypted), when its Slack is connected and enabled. */
export async function findSlackBotToken(em: EntityManager, orgId: string): Promise<string | null> {
  const rows: Array<{ bot_token_encrypted: string | null }> = await em.execute(
    `select bot_token_encrypted from slack_connections where org_id = ? and enabled`,
    [orgId],
  );
  return rows[0]?.bot_token_encrypted ?? null;
}

/** Active admins and agents with no Slack account linked yet: whom linking by email may find. */
export async function listUnlinkedTeamMembers(
  em: EntityManager,
  input: { orgId: string; limit: number },
): Promise<Array<{ id: string; email: string }>> {
  return em.execute(
    `select id, email from users where org_id = ? and slack_user_id is null and deactivated_at is null
       and role in ('admin', 'agent') order by created_at limit ?`,
    [input.orgId, input.limit],
  );
}

/**
 * Links a Slack account to a team member who has none. False when the member was linked meanwhile
 * or the Slack account already belongs to someone else in the organization.
 */
export async function linkSlackAccount(
  em: EntityManager,
  input: { orgId: string; userId: string; slackUserId: string },
): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `update users set slack_user_id = ?, updated_at = now()
     where id = ? and org_id = ? and slack_user_id is null
       and not exists (select 1 from users other where other.org_id = ? and other.slack_user_id = ?)
     returning id`,
    [input.slackUserId, input.userId, input.orgId, input.orgId, input.slackUserId],
  );
  return rows.length > 0;
}
