import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ApiToken } from '../entities';
import { AdminError, parseAdminInput } from './admin-error';
import { findOrganizationOrThrow } from './admin-lookups';

const revokeApiTokenSchema = z.object({
  orgSlug: z.string().min(1),
  tokenId: z.uuid('must be a token id (uuid)'),
});

export type RevokeApiTokenInput = z.input<typeof revokeApiTokenSchema>;

/** Idempotent: revoking a revoked token keeps its first revocation time. */
export async function revokeApiToken(
  em: EntityManager,
  input: RevokeApiTokenInput,
): Promise<{ tokenId: string; revokedAt: Date; alreadyRevoked: boolean }> {
  const { orgSlug, tokenId } = parseAdminInput(revokeApiTokenSchema, input);
  const organization = await findOrganizationOrThrow(em, orgSlug);
  const token = await em.findOne(ApiToken, { id: tokenId, orgId: organization.id });
  if (!token) throw new AdminError('not_found', `No API token ${tokenId} in organization "${orgSlug}".`);
  if (token.revokedAt) return { tokenId, revokedAt: token.revokedAt, alreadyRevoked: true };

  token.revokedAt = new Date();
  await em.flush();
  return { tokenId, revokedAt: token.revokedAt, alreadyRevoked: false };
}
