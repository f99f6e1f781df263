import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import type { RouteTable } from '../openapi/route-table';
import { updateSettingsInput } from '../../app/admin/organization-inputs';
import { getOrganizationSettings, updateOrganizationSettings } from '../../app/admin/organizations';
import { PLANS } from '../../domain/organization-plan';

const settingsView = z.object({
  /** Also what the Temporal UI's `OrgId` search attribute holds: `OrgId = "<id>"` lists the organization's cases. */
  id: z.uuid(),
  slug: z.string(),
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

/** The organization's settings. Connections are shown, never their secrets; they are set up through the CLI. */
export function addSettingsRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();

  table.add({
    method: 'get',
    path: '/api/v1/settings',
    summary: "The organization's settings and connections (no secrets)",
    roles: ['admin', 'agent'],
    response: settingsView,
    handler: ({ caller }) => getOrganizationSettings({ em: em(), orgId: caller.orgId }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/settings',
    summary: 'Change settings. Durations apply to new cases: a running case keeps the policy it started with',
    roles: ['admin'],
    body: updateSettingsInput,
    response: settingsView,
    handler: ({ caller, body }) => updateOrganizationSettings({ em: em(), orgId: caller.orgId, changes: body }),
  });
}
