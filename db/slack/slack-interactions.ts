import type { EntityManager } from '@mikro-orm/postgresql';

/** The organization connected to a Slack workspace, with its signing secret (encrypted). */
export async function findSlackSigningSecret(
  em: EntityManager,
  teamId: string,
): Promise<{ orgId: string; signingSecretEncrypted: string } | null> {
  const rows: Array<{ org_id: string; signing_secret_encrypted: string | null }> = await em.execute(
    `select org_id, signing_secret_encrypted from slack_connections where team_id = ? and enabled`,
    [teamId],
  );
  const row = rows[0];
  return row?.signing_secret_encrypted
    ? { orgId: row.org_id, signingSecretEncrypted: row.signing_secret_encrypted }
    : null;
}

/** Partners act only on the cases they opened, through the API; Slack buttons are for the team. */
export async function findSlackTeamMember(
  em: EntityManager,
  input: { orgId: string; slackUserId: string },
): Promise<string | null> {
  const rows: Array<{ id: string }> = await em.execute(
    `select id from users where org_id = ? and slack_user_id = ? and deactivated_at is null and role in ('admin', 'agent')`,
    [input.orgId, input.slackUserId],
  );
  return rows[0]?.id ?? null;
}
