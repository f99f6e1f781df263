import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserRole } from '../entities';
import { isoDate, isoDateOrNull } from '../admin/iso-date';
import { updateOwnedRow } from '../admin/update-owned-row';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  available: boolean;
  capacity: number | null;
  /** Their Slack member id: clicks on the case buttons in Slack act as them. */
  slackUserId: string | null;
  createdAt: string;
  deactivatedAt: string | null;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  available: boolean;
  capacity: number | null;
  slack_user_id: string | null;
  created_at: Date;
  deactivated_at: Date | null;
}
const COLUMNS = 'id, email, name, role, available, capacity, slack_user_id, created_at, deactivated_at';

const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  available: row.available,
  capacity: row.capacity,
  slackUserId: row.slack_user_id,
  createdAt: isoDate(row.created_at),
  deactivatedAt: isoDateOrNull(row.deactivated_at),
});

export async function selectUser(
  em: EntityManager,
  input: { orgId: string; userId: string },
): Promise<UserView | undefined> {
  const rows: UserRow[] = await em.execute(`select ${COLUMNS} from users where id = ? and org_id = ?`, [
    input.userId,
    input.orgId,
  ]);
  return rows[0] && toUserView(rows[0]);
}

/** Emails are stored lower-case. */
export async function selectUserByEmail(
  em: EntityManager,
  input: { orgId: string; email: string },
): Promise<UserView | undefined> {
  const rows: UserRow[] = await em.execute(`select ${COLUMNS} from users where org_id = ? and email = ?`, [
    input.orgId,
    input.email.toLowerCase(),
  ]);
  return rows[0] && toUserView(rows[0]);
}

/** Active users first, by name. */
export async function selectUsers(em: EntityManager, orgId: string): Promise<UserView[]> {
  const rows: UserRow[] = await em.execute(
    `select ${COLUMNS} from users where org_id = ? order by deactivated_at nulls first, lower(name), id`,
    [orgId],
  );
  return rows.map(toUserView);
}

export async function insertUser(
  em: EntityManager,
  input: { orgId: string; email: string; name: string; role: UserRole; capacity: number | null },
): Promise<UserView> {
  const rows: UserRow[] = await em.execute(
    `insert into users (org_id, email, name, role, capacity) values (?, ?, ?, ?, ?) returning ${COLUMNS}`,
    [input.orgId, input.email, input.name, input.role, input.capacity],
  );
  return toUserView(rows[0]);
}

export async function updateUserColumns(
  em: EntityManager,
  input: {
    orgId: string;
    userId: string;
    changes: {
      name?: string;
      role?: UserRole;
      capacity?: number | null;
      available?: boolean;
      slackUserId?: string | null;
      deactivatedAt?: Date;
    };
  },
): Promise<UserView | undefined> {
  const { changes } = input;
  const row = await updateOwnedRow<UserRow>(em, {
    table: 'users',
    id: input.userId,
    orgId: input.orgId,
    returning: COLUMNS,
    set: {
      name: changes.name,
      role: changes.role,
      capacity: changes.capacity,
      available: changes.available,
      slack_user_id: changes.slackUserId,
      deactivated_at: changes.deactivatedAt,
    },
  });
  return row && toUserView(row);
}

export async function otherActiveAdminExists(
  em: EntityManager,
  input: { orgId: string; userId: string },
): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `select 1 from users where org_id = ? and role = 'admin' and deactivated_at is null and id <> ?`,
    [input.orgId, input.userId],
  );
  return rows.length > 0;
}

export async function countActivePartners(em: EntityManager, orgId: string): Promise<number> {
  const rows: Array<{ count: string | number }> = await em.execute(
    `select count(*) as count from users where org_id = ? and role = 'partner' and deactivated_at is null`,
    [orgId],
  );
  return Number(rows[0].count);
}

/** Those of the ids that routing may give cases to: active admins and agents of the organization. */
export async function selectRoutableUserIds(
  em: EntityManager,
  input: { orgId: string; userIds: string[] },
): Promise<Set<string>> {
  const rows: Array<{ id: string }> = await em.execute(
    `select id from users where org_id = ? and id = any(array[?]::uuid[]) and role in ('admin', 'agent') and deactivated_at is null`,
    [input.orgId, input.userIds],
  );
  return new Set(rows.map((row) => row.id));
}
