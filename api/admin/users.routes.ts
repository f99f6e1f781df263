import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { offerWaitingCases } from '../../app/case-lifecycle/offer-waiting-cases';
import type { TemporalTarget } from '../../app/case-lifecycle/start-case-workflow';
import { z } from '../openapi/zod';
import { generateApiToken, hashToken } from '../../db/secrets';
import type { Caller } from '../auth/authenticate';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import {
  conflictOnDuplicate,
  emailField,
  emptyBody,
  idParams,
  iso,
  isUuid,
  nonEmpty,
  trimmed,
  updateOwnedRow,
} from './admin-schemas';
import { planAllowsPartners } from '../../domain/organization-plan';

const ROLES = ['admin', 'agent', 'partner'] as const;
const capacity = z.number().int().min(1).max(10_000).nullable();

const createUserBody = z.strictObject({
  email: emailField,
  name: trimmed(200),
  role: z.enum(ROLES),
  capacity: capacity.optional(),
});
const updateUserBody = nonEmpty(
  z.strictObject({
    name: trimmed(200).optional(),
    role: z.enum(ROLES).optional(),
    capacity: capacity.optional(),
    available: z.boolean().optional(),
  }),
);
const availabilityBody = z.strictObject({ available: z.boolean() });
const tokenBody = z.strictObject({ name: trimmed(200) });

const userView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  available: z.boolean(),
  capacity: z.number().int().nullable(),
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

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  available: boolean;
  capacity: number | null;
  created_at: Date;
  deactivated_at: Date | null;
}
const USER_COLUMNS = 'id, email, name, role, available, capacity, created_at, deactivated_at';
const toUserView = (row: UserRow): z.infer<typeof userView> => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  available: row.available,
  capacity: row.capacity,
  createdAt: iso(row.created_at)!,
  deactivatedAt: iso(row.deactivated_at),
});

interface TokenRow {
  id: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
const toTokenView = (row: TokenRow): z.infer<typeof tokenView> => ({
  id: row.id,
  name: row.name,
  prefix: row.token_prefix,
  createdAt: iso(row.created_at)!,
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
});

function assertPartnerAllowed(caller: Caller, role: string | undefined): void {
  if (role === 'partner' && !planAllowsPartners(caller.orgPlan)) {
    throw problems.unprocessable('Partner users need an enterprise plan.', 'partner-needs-enterprise');
  }
}

/** An organization must keep one active admin, or nobody could manage it again through the API. */
async function assertOtherAdminRemains(em: EntityManager, input: { orgId: string; userId: string }): Promise<void> {
  const rows: unknown[] = await em.execute(
    `select 1 from users where org_id = ? and role = 'admin' and deactivated_at is null and id <> ?`,
    [input.orgId, input.userId],
  );
  if (rows.length === 0) throw problems.conflict('This is the last active admin of the organization.', 'last-admin');
}

/** Team members and their API tokens. A token is shown once, when issued; only its hash is stored. */
export function addUserRoutes(table: RouteTable, deps: { orm: MikroORM; temporal?: TemporalTarget }): void {
  const em = () => deps.orm.em.fork();
  const notFound = () => problems.notFound('No such user in your organization.');

  async function userOf(caller: Caller, id: string): Promise<UserRow> {
    const rows: UserRow[] = isUuid(id)
      ? await em().execute(`select ${USER_COLUMNS} from users where id = ? and org_id = ?`, [id, caller.orgId])
      : [];
    if (!rows[0]) throw notFound();
    return rows[0];
  }

  table.add({
    method: 'get',
    path: '/api/v1/users',
    summary: 'The team, active and deactivated',
    roles: ['admin', 'agent'],
    response: z.object({ items: z.array(userView) }),
    handler: async ({ caller }) => {
      const rows: UserRow[] = await em().execute(
        `select ${USER_COLUMNS} from users where org_id = ? order by deactivated_at nulls first, lower(name), id`,
        [caller.orgId],
      );
      return { items: rows.map(toUserView) };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/users',
    summary: 'Add a team member (partners need an enterprise plan)',
    roles: ['admin'],
    body: createUserBody,
    response: userView,
    status: 201,
    handler: async ({ caller, body }) => {
      assertPartnerAllowed(caller, body.role);
      const rows: UserRow[] = await conflictOnDuplicate(`A user with email ${body.email} already exists.`, () =>
        em().execute(
          `insert into users (org_id, email, name, role, capacity) values (?, ?, ?, ?, ?) returning ${USER_COLUMNS}`,
          [caller.orgId, body.email, body.name, body.role, body.capacity ?? null],
        ),
      );
      return toUserView(rows[0]);
    },
  });

  table.add({
    method: 'patch',
    path: '/api/v1/users/:id',
    summary: 'Change name, role, capacity or availability',
    roles: ['admin'],
    params: idParams,
    body: updateUserBody,
    response: userView,
    handler: async ({ caller, params, body }) => {
      const user = await userOf(caller, params.id);
      assertPartnerAllowed(caller, body.role);
      if (user.role === 'admin' && body.role !== undefined && body.role !== 'admin')
        await assertOtherAdminRemains(em(), { orgId: caller.orgId, userId: user.id });
      const row = await updateOwnedRow<UserRow>(em(), {
        table: 'users',
        id: user.id,
        orgId: caller.orgId,
        returning: USER_COLUMNS,
        set: { name: body.name, role: body.role, capacity: body.capacity, available: body.available },
      });
      return toUserView(row!);
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/users/:id/deactivate',
    summary: 'Deactivate a user: their tokens stop working at once',
    roles: ['admin'],
    params: idParams,
    body: emptyBody,
    response: userView,
    handler: async ({ caller, params }) => {
      const user = await userOf(caller, params.id);
      if (user.deactivated_at) return toUserView(user);
      if (user.role === 'admin') await assertOtherAdminRemains(em(), { orgId: caller.orgId, userId: user.id });
      const row = await updateOwnedRow<UserRow>(em(), {
        table: 'users',
        id: user.id,
        orgId: caller.orgId,
        returning: USER_COLUMNS,
        set: { deactivated_at: new Date(), available: false },
      });
      return toUserView(row!);
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/me/availability',
    summary: 'Set my own availability for routing',
    roles: ['admin', 'agent'],
    body: availabilityBody,
    response: userView,
    handler: async ({ caller, body }) => {
      const row = await updateOwnedRow<UserRow>(em(), {
        table: 'users',
        id: caller.userId,
        orgId: caller.orgId,
        returning: USER_COLUMNS,
        set: { available: body.available },
      });
      if (!row) throw notFound();
      if (body.available && deps.temporal)
        await offerWaitingCases({ orm: deps.orm, temporal: deps.temporal, orgId: caller.orgId, userId: caller.userId });
      return toUserView(row);
    },
  });

  table.add({
    method: 'get',
    path: '/api/v1/users/:id/tokens',
    summary: "A user's API tokens (never the token itself)",
    roles: ['admin'],
    params: idParams,
    response: z.object({ items: z.array(tokenView) }),
    handler: async ({ caller, params }) => {
      const user = await userOf(caller, params.id);
      const rows: TokenRow[] = await em().execute(
        `select id, name, token_prefix, created_at, last_used_at, revoked_at from api_tokens where user_id = ? and org_id = ? order by created_at desc, id`,
        [user.id, caller.orgId],
      );
      return { items: rows.map(toTokenView) };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/users/:id/tokens',
    summary: 'Issue an API token; the token is in this answer only',
    roles: ['admin'],
    params: idParams,
    body: tokenBody,
    response: z.object({ id: z.uuid(), token: z.string(), prefix: z.string() }),
    status: 201,
    handler: async ({ caller, params, body }) => {
      const user = await userOf(caller, params.id);
      if (user.deactivated_at)
        throw problems.conflict('The user is deactivated; a token cannot be issued.', 'user-deactivated');
      const { token, prefix } = generateApiToken();
      const rows: Array<{ id: string }> = await em().execute(
        `insert into api_tokens (org_id, user_id, name, token_hash, token_prefix) values (?, ?, ?, ?, ?) returning id`,
        [caller.orgId, user.id, body.name, hashToken(token), prefix],
      );
      return { id: rows[0].id, token, prefix };
    },
  });

  table.add({
    method: 'delete',
    path: '/api/v1/tokens/:id',
    summary: 'Revoke an API token (idempotent; it stops working at once)',
    roles: ['admin'],
    params: idParams,
    response: tokenView,
    handler: async ({ caller, params }) => {
      const rows: TokenRow[] = isUuid(params.id)
        ? await em().execute(
            `update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = ? and org_id = ?
         returning id, name, token_prefix, created_at, last_used_at, revoked_at`,
            [params.id, caller.orgId],
          )
        : [];
      if (!rows[0]) throw problems.notFound('No such API token in your organization.');
      return toTokenView(rows[0]);
    },
  });
}
