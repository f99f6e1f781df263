import type { EntityManager } from '@mikro-orm/postgresql';
import { decryptSecret } from '../../db/secrets';
import { findSlackBotToken, linkSlackAccount, listUnlinkedTeamMembers } from '../../db/slack/slack-accounts';
import { lookupSlackUserIdByEmail } from '../../integrations/slack/slack-directory';

export interface SlackLinkDeps {
  em: EntityManager;
  secretsKey: Buffer;
  /** Replaces https://slack.com/api/ (a local fake in tests). */
  slackApiUrl?: string;
}

/** At most this many lookups per pass: Slack allows users.lookupByEmail about 100 times a minute. */
const LOOKUPS_PER_PASS = 50;
/** An email Slack did not know is not asked again for this long. */
const MISS_TTL_MS = 10 * 60 * 1000;
const misses = new Map<string, number>();

/**
 * Links the organization's team members to their Slack accounts by email, for those not linked yet:
 * after Slack is connected, and when a click comes from a Slack user we do not know. Returns how many
 * were linked. Emails Slack did not know are remembered for a while, so a stream of clicks from
 * outsiders does not repeat the lookups.
 */
export async function linkSlackAccountsByEmail(deps: SlackLinkDeps, orgId: string): Promise<number> {
  const { em } = deps;
  const encrypted = await findSlackBotToken(em, orgId);
  if (!encrypted) return 0;
  const token = decryptSecret({ ciphertext: encrypted, key: deps.secretsKey });
  const now = Date.now();
  const members = (await listUnlinkedTeamMembers(em, { orgId, limit: 500 }))
    .filter((member) => (misses.get(`${orgId}:${member.email}`) ?? 0) <= now)
    .slice(0, LOOKUPS_PER_PASS);
  let linked = 0;
  for (const member of members) {
    const slackUserId = await lookupSlackUserIdByEmail({ token, email: member.email, slackApiUrl: deps.slackApiUrl });
    if (!slackUserId) {
      misses.set(`${orgId}:${member.email}`, now + MISS_TTL_MS);
      continue;
    }
    if (await linkSlackAccount(em, { orgId, userId: member.id, slackUserId })) linked += 1;
  }
  return linked;
}
