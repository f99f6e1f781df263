import type { MikroORM } from '@mikro-orm/postgresql';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { issueApiToken, listUserTokens, revokeApiToken } from '../../app/admin/api-tokens';
import {
  availabilityInput,
  createUserInput,
  issueTokenInput,
  ownProfileInput,
  updateUserInput,
} from '../../app/admin/user-inputs';
import {
  createUser,
  deactivateUser,
  listUsers,
  setOwnAvailability,
  updateOwnProfile,
  updateUser,
} from '../../app/admin/users';
import { USER_ROLES } from '../../db/entities';
import { z } from '../openapi/zod';
import type { RouteTable } from '../openapi/route-table';
import { emptyBody, idParams } from './admin-schemas';

const userView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  available: z.boolean(),
  capacity: z.number().int().nullable(),
  slackUserId: z.string().nullable(),
  createdAt: z.string(),
  deactivatedAt: z.string().nullable(),
});
const tokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** Team members and their API tokens. A token is shown once, when issued; only its hash is stored. */
export function addUserRoutes(table: RouteTable, deps: { orm: MikroORM; temporal?: TemporalTarget }): void {
  const em = () => deps.orm.em.fork();

  table.add({
    method: 'get',
    path: '/api/v1/users',
    summary: 'The team, active and deactivated',
    roles: ['admin', 'agent'],
    response: z.object({ items: z.array(userView) }),
    handler: async ({ caller }) => ({ items: await listUsers({ em: em(), orgId: caller.orgId }) }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/users',
    summary: 'Add a team member (partners need an enterprise plan)',
    roles: ['admin'],
    body: createUserInput,
    response: userView,
    status: 201,
    handler: ({ caller, body }) => createUser({ em: em(), orgId: caller.orgId, user: body }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/users/:id',
    summary: 'Change name, role, capacity, availability or the linked Slack account',
    roles: ['admin'],
    params: idParams,
    body: updateUserInput,
    response: userView,
    handler: ({ caller, params, body }) =>
      updateUser({ em: em(), orgId: caller.orgId, userId: params.id, changes: body }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/users/:id/deactivate',
    summary: 'Deactivate a user: their tokens stop working at once',
    roles: ['admin'],
    params: idParams,
    body: emptyBody,
    response: userView,
    handler: ({ caller, params }) => deactivateUser({ em: em(), orgId: caller.orgId, userId: params.id }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/me/availability',
    summary: 'Set my own availability for routing',
    roles: ['admin', 'agent'],
    body: availabilityInput,
    response: userView,
    handler: ({ caller, body }) =>
      setOwnAvailability({
        orm: deps.orm,
        temporal: deps.temporal,
        orgId: caller.orgId,
        userId: caller.userId,
        available: body.available,
      }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/me',
    summary: 'Change my own name or linked Slack account (the Slack buttons act as the linked team member)',
    roles: ['admin', 'agent'],
    body: ownProfileInput,
    response: userView,
    handler: ({ caller, body }) =>
      updateOwnProfile({ em: em(), orgId: caller.orgId, userId: caller.userId, changes: body }),
  });

  table.add({
    method: 'get',
    path: '/api/v1/users/:id/tokens',
    summary: "A user's API tokens (never the token itself)",
    roles: ['admin'],
    params: idParams,
    response: z.object({ items: z.array(tokenView) }),
    handler: async ({ caller, params }) => ({
      items: await listUserTokens({ em: em(), orgId: caller.orgId, userId: params.id }),
    }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/users/:id/tokens',
    summary: 'Issue an API token; the token is in this answer only',
    roles: ['admin'],
    params: idParams,
    body: issueTokenInput,
    response: z.object({ id: z.uuid(), token: z.string(), prefix: z.string() }),
    status: 201,
    handler: ({ caller, params, body }) =>
      issueApiToken({ em: em(), orgId: caller.orgId, userId: params.id, token: body }),
  });

  table.add({
    method: 'delete',
    path: '/api/v1/tokens/:id',
    summary: 'Revoke an API token (idempotent; it stops working at once)',
    roles: ['admin'],
    params: idParams,
    response: tokenView,
    handler: async ({ caller, params }) =>
      (await revokeApiToken({ em: em(), orgId: caller.orgId, tokenId: params.id })).token,
  });
}
