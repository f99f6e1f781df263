import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ApiToken } from '../entities';
import { generateApiToken, hashToken } from '../secrets';
import { AdminError, parseAdminInput } from './admin-error';
import { findOrganizationOrThrow, findUserOrThrow } from './admin-lookups';
import { nameSchema } from './admin-schemas';

const issueApiTokenSchema = z.object({
  orgSlug: z.string().min(1),
  userEmail: z.string().trim().min(1),
  name: nameSchema,
});

export type IssueApiTokenInput = z.input<typeof issueApiTokenSchema>;

/** The token is returned here and nowhere else: only its SHA-256 and a short prefix are stored. */
export async function issueApiToken(
  em: EntityManager,
  input: IssueApiTokenInput,
): Promise<{ token: string; tokenId: string; prefix: string }> {
  const { orgSlug, userEmail, name } = parseAdminInput(issueApiTokenSchema, input);
  const organization = await findOrganizationOrThrow(em, orgSlug);
  const user = await findUserOrThrow(em, { orgId: organization.id, orgSlug, email: userEmail });
  if (user.deactivatedAt)
    throw new AdminError('invalid', `User ${user.email} is deactivated; a token cannot be issued.`);

  const { token, prefix } = generateApiToken();
  return em.transactional(async (tx) => {
    const row = tx.create(ApiToken, {
      orgId: organization.id,
      userId: user.id,
      name,
      tokenHash: hashToken(token),
      tokenPrefix: prefix,
    });
    await tx.flush();
    return { token, tokenId: row.id, prefix };
  });
}
