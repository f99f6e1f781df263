import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import { emailField, nonEmpty, trimmed, updateOwnedRow } from './admin-schemas';
import { PLANS, type Plan } from '../../domain/organization-plan';
import { organizationDurationSchemas } from '../../db/admin/admin-schemas';

const updateSettingsBody = nonEmpty(
  z.strictObject({
    name: trimmed(200).optional(),
    reopenWindowSeconds: organizationDurationSchemas.reopenWindowSeconds.optional(),
    messagingWindowSeconds: organizationDurationSchemas.messagingWindowSeconds.optional(),
    attentionAfterSeconds: organizationDurationSchemas.attentionAfterSeconds.optional(),
    humanAgentTagEnabled: z.boolean().optional(),
    categorizer: z.enum(['local', 'llm']).optional(),
    supportEmail: emailField.nullable().optional(),
  }),
);

const settingsView = z.object({
  name: z.string(),
  plan: z.enum(PLANS),
  reopenWindowSeconds: z.number().int(),
  messagingWindowSeconds: z.number().int(),
  attentionAfterSeconds: z.number().int(),
  humanAgentTagEnabled: z.boolean(),
  categorizer: z.enum(['local', 'llm']),
  supportEmail: z.string().nullable(),
  slack: z
    .object({ connected: z.boolean(), defaultChannel: z.string(), categoryChannels: z.record(z.string(), z.string()) })
    .nullable(),
  channels: z.array(
    z.object({
      id: z.uuid(),
      channel: z.string(),
      externalId: z.string(),
      displayName: z.string().nullable(),
      enabled: z.boolean(),
    }),
  ),
});

interface OrganizationRow {
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
  'name, plan, reopen_window_seconds, messaging_window_seconds, attention_after_seconds, human_agent_tag_enabled, categorizer, support_email';

/** Reads named columns only, so the encrypted secrets beside them can never reach an answer. */
async function loadSettings(em: EntityManager, orgId: string): Promise<z.infer<typeof settingsView>> {
  const orgs: OrganizationRow[] = await em.execute(`select ${ORG_COLUMNS} from organizations where id = ?`, [orgId]);
  if (!orgs[0]) throw problems.notFound('No such organization.');
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
  const org = orgs[0];
  return {
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

/** The organization's settings. Connections are shown, never their secrets; they are set up through the CLI. */
export function addSettingsRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();

  table.add({
    method: 'get',
    path: '/api/v1/settings',
    summary: "The organization's settings and connections (no secrets)",
    roles: ['admin', 'agent'],
    response: settingsView,
    handler: ({ caller }) => loadSettings(em(), caller.orgId),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/settings',
    summary: 'Change settings. Durations apply to new cases: a running case keeps the policy it started with',
    roles: ['admin'],
    body: updateSettingsBody,
    response: settingsView,
    handler: async ({ caller, body }) => {
      await updateOwnedRow(em(), {
        table: 'organizations',
        id: caller.orgId,
        orgId: caller.orgId,
        orgColumn: 'id',
        returning: 'id',
        set: {
          name: body.name,
          reopen_window_seconds: body.reopenWindowSeconds,
          messaging_window_seconds: body.messagingWindowSeconds,
          attention_after_seconds: body.attentionAfterSeconds,
          human_agent_tag_enabled: body.humanAgentTagEnabled,
          categorizer: body.categorizer,
          support_email: body.supportEmail,
        },
      });
      return loadSettings(em(), caller.orgId);
    },
  });
}
