import type { EntityManager } from '@mikro-orm/postgresql';
import type { Plan } from '../../domain/organization-plan';
import type { OrganizationView } from './organization-queries';

export interface ChannelConnectionView {
  id: string;
  channel: string;
  externalId: string;
  displayName: string | null;
  enabled: boolean;
}

/** What an organization's members may read of its settings: its connections are shown, never their secrets. */
export interface OrganizationSettings extends Omit<OrganizationView, 'createdAt'> {
  slack: { connected: boolean; defaultChannel: string; categoryChannels: Record<string, string> } | null;
  channels: ChannelConnectionView[];
}

interface OrganizationRow {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  reopen_window_seconds: number;
  messaging_window_seconds: number;
  attention_after_seconds: number;
  human_agent_tag_enabled: boolean;
  categorizer: 'local' | 'llm';
  support_email: string | null;
}
const ORG_COLUMNS =
  'id, slug, name, plan, reopen_window_seconds, messaging_window_seconds, attention_after_seconds, human_agent_tag_enabled, categorizer, support_email';

/** Reads named columns only, so the encrypted secrets beside them can never reach an answer. */
export async function selectOrganizationSettings(
  em: EntityManager,
  orgId: string,
): Promise<OrganizationSettings | undefined> {
  const orgs: OrganizationRow[] = await em.execute(`select ${ORG_COLUMNS} from organizations where id = ?`, [orgId]);
  const org = orgs[0];
  if (!org) return undefined;
  const slack: Array<{ enabled: boolean; default_channel: string; category_channels: Record<string, string> }> =
    await em.execute(`select enabled, default_channel, category_channels from slack_connections where org_id = ?`, [
      orgId,
    ]);
  const channels: Array<{
    id: string;
    channel: string;
    external_id: string;
    display_name: string | null;
    enabled: boolean;
  }> = await em.execute(
    `select id, channel, external_id, display_name, enabled from channel_connections where org_id = ? order by channel, created_at, id`,
    [orgId],
  );
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    plan: org.plan,
    reopenWindowSeconds: org.reopen_window_seconds,
    messagingWindowSeconds: org.messaging_window_seconds,
    attentionAfterSeconds: org.attention_after_seconds,
    humanAgentTagEnabled: org.human_agent_tag_enabled,
    categorizer: org.categorizer,
    supportEmail: org.support_email,
    slack: slack[0]
      ? {
          connected: slack[0].enabled,
          defaultChannel: slack[0].default_channel,
          categoryChannels: slack[0].category_channels,
        }
      : null,
    channels: channels.map((row) => ({
      id: row.id,
      channel: row.channel,
      externalId: row.external_id,
      displayName: row.display_name,
      enabled: row.enabled,
    })),
  };
}
