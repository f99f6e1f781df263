import type { IApiToken, IOrganization, IUser } from '../entities';
import type { Plan } from '../../domain/organization-plan';

/**
 * What the admin layer hands back: plain objects with an explicit list of fields, so an encrypted
 * secret or a token hash can never leak through a new column.
 */
export interface OrganizationView {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  reopenWindowSeconds: number;
  messagingWindowSeconds: number;
  attentionAfterSeconds: number;
  humanAgentTagEnabled: boolean;
  categorizer: 'local' | 'llm';
  supportEmail: string | null;
  createdAt: Date;
}

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent' | 'partner';
  capacity: number | null;
  available: boolean;
  deactivatedAt: Date | null;
  createdAt: Date;
}

export function toOrganizationView(org: IOrganization): OrganizationView {
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    plan: org.plan,
    reopenWindowSeconds: org.reopenWindowSeconds,
    messagingWindowSeconds: org.messagingWindowSeconds,
    attentionAfterSeconds: org.attentionAfterSeconds,
    humanAgentTagEnabled: org.humanAgentTagEnabled,
    categorizer: org.categorizer,
    supportEmail: org.supportEmail ?? null,
    createdAt: org.createdAt,
  };
}

export function toUserView(user: IUser): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    capacity: user.capacity ?? null,
    available: user.available,
    deactivatedAt: user.deactivatedAt ?? null,
    createdAt: user.createdAt,
  };
}

export function toApiTokenView(token: Omit<IApiToken, 'tokenHash'>): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    prefix: token.tokenPrefix,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt ?? null,
    revokedAt: token.revokedAt ?? null,
  };
}
