import type { EntityManager } from '@mikro-orm/postgresql';
import type { CasePolicy } from '../../domain/case.model';

export interface OrganizationForCases {
  id: string;
  slug: string;
  policy: CasePolicy;
}

/** The organization's case settings as the domain's policy. A case keeps the policy it started with. */
export async function loadOrganizationForCases(em: EntityManager, orgId: string): Promise<OrganizationForCases> {
  const rows: Array<{
    id: string;
    slug: string;
    reopen_window_seconds: number;
    messaging_window_seconds: number;
    attention_after_seconds: number;
    human_agent_tag_enabled: boolean;
  }> = await em.execute(
    `select id, slug, reopen_window_seconds, messaging_window_seconds, attention_after_seconds, human_agent_tag_enabled from organizations where id = ?`,
    [orgId],
  );
  const row = rows[0];
  if (!row) throw new Error(`organization ${orgId} not found`);
  return {
    id: row.id,
    slug: row.slug,
    policy: {
      reopenWindowMs: row.reopen_window_seconds * 1000,
      messagingWindowMs: row.messaging_window_seconds * 1000,
      attentionAfterMs: row.attention_after_seconds * 1000,
      humanAgentTagEnabled: row.human_agent_tag_enabled,
    },
  };
}
