import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate } from '../admin/iso-date';
import { updateOwnedRow } from '../admin/update-owned-row';

export interface CustomerView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerIdentityView {
  id: string;
  channel: string;
  externalId: string;
  displayName: string | null;
  createdAt: string;
}

export interface CustomerFields {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  created_at: Date;
  updated_at: Date;
}
const COLUMNS = 'id, name, email, phone, created_at, updated_at';

const toCustomerView = (row: CustomerRow): CustomerView => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  createdAt: isoDate(row.created_at),
  updatedAt: isoDate(row.updated_at),
});

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** Newest first; `text` matches anywhere in name, email or phone. */
export async function searchCustomers(
  em: EntityManager,
  input: { orgId: string; text?: string; limit: number; offset: number },
): Promise<CustomerView[]> {
  const rows: CustomerRow[] = await em.execute(
    `select ${COLUMNS} from customers where org_id = ?
       and (?::text is null or (coalesce(name, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, '')) ilike ?)
     order by created_at desc, id limit ? offset ?`,
    [input.orgId, input.text ?? null, likePattern(input.text ?? ''), input.limit, input.offset],
  );
  return rows.map(toCustomerView);
}

export async function selectCustomer(
  em: EntityManager,
  input: { orgId: string; customerId: string },
): Promise<CustomerView | undefined> {
  const rows: CustomerRow[] = await em.execute(`select ${COLUMNS} from customers where id = ? and org_id = ?`, [
    input.customerId,
    input.orgId,
  ]);
  return rows[0] && toCustomerView(rows[0]);
}

export async function customerExists(
  em: EntityManager,
  input: { orgId: string; customerId: string },
): Promise<boolean> {
  const rows: unknown[] = await em.execute(`select 1 from customers where id = ? and org_id = ?`, [
    input.customerId,
    input.orgId,
  ]);
  return rows.length > 0;
}

export async function selectCustomerIdentities(
  em: EntityManager,
  input: { orgId: string; customerId: string },
): Promise<CustomerIdentityView[]> {
  const rows: Array<{
    id: string;
    channel: string;
    external_id: string;
    display_name: string | null;
    created_at: Date;
  }> = await em.execute(
    `select id, channel, external_id, display_name, created_at from customer_identities where customer_id = ? and org_id = ? order by created_at, id`,
    [input.customerId, input.orgId],
  );
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    externalId: row.external_id,
    displayName: row.display_name,
    createdAt: isoDate(row.created_at),
  }));
}

export async function insertCustomer(
  em: EntityManager,
  input: { orgId: string } & CustomerFields,
): Promise<CustomerView> {
  const rows: CustomerRow[] = await em.execute(
    `insert into customers (org_id, name, email, phone) values (?, ?, ?, ?) returning ${COLUMNS}`,
    [input.orgId, input.name ?? null, input.email ?? null, input.phone ?? null],
  );
  return toCustomerView(rows[0]);
}

export async function updateCustomerColumns(
  em: EntityManager,
  input: { orgId: string; customerId: string; changes: CustomerFields },
): Promise<CustomerView | undefined> {
  const { changes } = input;
  const row = await updateOwnedRow<CustomerRow>(em, {
    table: 'customers',
    id: input.customerId,
    orgId: input.orgId,
    returning: COLUMNS,
    set: { name: changes.name, email: changes.email, phone: changes.phone },
  });
  return row && toCustomerView(row);
}
