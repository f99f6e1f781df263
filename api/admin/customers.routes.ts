import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import {
  conflictOnDuplicate,
  emailField,
  idParams,
  iso,
  isUuid,
  nonEmpty,
  pageQuery,
  phoneField,
  trimmed,
  updateOwnedRow,
} from './admin-schemas';

const customerFields = {
  name: trimmed(200).nullable().optional(),
  email: emailField.nullable().optional(),
  phone: phoneField.nullable().optional(),
};
const createCustomerBody = z
  .strictObject(customerFields)
  .refine(
    (value) => Boolean(value.name ?? value.email ?? value.phone),
    'Give at least a name, an email or a phone number.',
  );
const updateCustomerBody = nonEmpty(z.strictObject(customerFields));
const customerQuery = pageQuery.extend({ q: z.string().trim().max(200).optional() });

const deviceFields = {
  serialNumber: trimmed(100),
  model: trimmed(200),
  firmwareVersion: z.string().trim().max(100).nullable().optional(),
  customerId: z.uuid().nullable().optional(),
};
const createDeviceBody = z.strictObject(deviceFields);
const updateDeviceBody = nonEmpty(
  z.strictObject({
    ...deviceFields,
    serialNumber: deviceFields.serialNumber.optional(),
    model: deviceFields.model.optional(),
  }),
);
const deviceQuery = pageQuery.extend({ customerId: z.uuid().optional() });

const customerView = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const deviceView = z.object({
  id: z.uuid(),
  serialNumber: z.string(),
  model: z.string(),
  firmwareVersion: z.string().nullable(),
  customerId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const identityView = z.object({
  id: z.uuid(),
  channel: z.string(),
  externalId: z.string(),
  displayName: z.string().nullable(),
  createdAt: z.string(),
});

interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  created_at: Date;
  updated_at: Date;
}
interface DeviceRow {
  id: string;
  serial_number: string;
  model: string;
  firmware_version: string | null;
  customer_id: string | null;
  created_at: Date;
  updated_at: Date;
}
interface IdentityRow {
  id: string;
  channel: string;
  external_id: string;
  display_name: string | null;
  created_at: Date;
}
const CUSTOMER_COLUMNS = 'id, name, email, phone, created_at, updated_at';
const DEVICE_COLUMNS = 'id, serial_number, model, firmware_version, customer_id, created_at, updated_at';

const toCustomer = (row: CustomerRow) => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
});
const toDevice = (row: DeviceRow) => ({
  id: row.id,
  serialNumber: row.serial_number,
  model: row.model,
  firmwareVersion: row.firmware_version,
  customerId: row.customer_id,
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
});
const toIdentity = (row: IdentityRow) => ({
  id: row.id,
  channel: row.channel,
  externalId: row.external_id,
  displayName: row.display_name,
  createdAt: iso(row.created_at)!,
});

const duplicateSerial = (serial: string) => `A device with serial number ${serial} already exists.`;
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

async function assertCustomerOwned(
  em: EntityManager,
  input: { orgId: string; customerId: string | null | undefined },
): Promise<void> {
  if (!input.customerId) return;
  const rows: unknown[] = await em.execute(`select 1 from customers where id = ? and org_id = ?`, [
    input.customerId,
    input.orgId,
  ]);
  if (rows.length === 0)
    throw problems.validation([{ field: 'body.customerId', message: 'No such customer in your organization.' }]);
}

/** Customers and their devices, kept by agents as they work cases. */
export function addCustomerRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();
  const customerNotFound = () => problems.notFound('No such customer in your organization.');
  const deviceNotFound = () => problems.notFound('No such device in your organization.');
  const roles: Array<'admin' | 'agent'> = ['admin', 'agent'];

  table.add({
    method: 'get',
    path: '/api/v1/customers',
    summary: 'Customers, searched by name, email or phone',
    roles,
    query: customerQuery,
    response: z.object({ items: z.array(customerView), nextOffset: z.number().int().nullable() }),
    handler: async ({ caller, query }) => {
      const rows: CustomerRow[] = await em().execute(
        `select ${CUSTOMER_COLUMNS} from customers where org_id = ?
           and (?::text is null or (coalesce(name, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, '')) ilike ?)
         order by created_at desc, id limit ? offset ?`,
        [caller.orgId, query.q ?? null, likePattern(query.q ?? ''), query.limit + 1, query.offset],
      );
      const more = rows.length > query.limit;
      return {
        items: rows.slice(0, query.limit).map(toCustomer),
        nextOffset: more ? query.offset + query.limit : null,
      };
    },
  });

  table.add({
    method: 'get',
    path: '/api/v1/customers/:id',
    summary: 'A customer with channel identities and devices',
    roles,
    params: idParams,
    response: customerView.extend({ identities: z.array(identityView), devices: z.array(deviceView) }),
    handler: async ({ caller, params }) => {
      const rows: CustomerRow[] = isUuid(params.id)
        ? await em().execute(`select ${CUSTOMER_COLUMNS} from customers where id = ? and org_id = ?`, [
            params.id,
            caller.orgId,
          ])
        : [];
      if (!rows[0]) throw customerNotFound();
      const identities: IdentityRow[] = await em().execute(
        `select id, channel, external_id, display_name, created_at from customer_identities where customer_id = ? and org_id = ? order by created_at, id`,
        [params.id, caller.orgId],
      );
      const devices: DeviceRow[] = await em().execute(
        `select ${DEVICE_COLUMNS} from devices where customer_id = ? and org_id = ? order by created_at, id`,
        [params.id, caller.orgId],
      );
      return { ...toCustomer(rows[0]), identities: identities.map(toIdentity), devices: devices.map(toDevice) };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/customers',
    summary: 'Add a customer',
    roles,
    body: createCustomerBody,
    response: customerView,
    status: 201,
    handler: async ({ caller, body }) => {
      const rows: CustomerRow[] = await em().execute(
        `insert into customers (org_id, name, email, phone) values (?, ?, ?, ?) returning ${CUSTOMER_COLUMNS}`,
        [caller.orgId, body.name ?? null, body.email ?? null, body.phone ?? null],
      );
      return toCustomer(rows[0]);
    },
  });

  table.add({
    method: 'patch',
    path: '/api/v1/customers/:id',
    summary: "Change a customer's name, email or phone",
    roles,
    params: idParams,
    body: updateCustomerBody,
    response: customerView,
    handler: async ({ caller, params, body }) => {
      if (!isUuid(params.id)) throw customerNotFound();
      const row = await updateOwnedRow<CustomerRow>(em(), {
        table: 'customers',
        id: params.id,
        orgId: caller.orgId,
        returning: CUSTOMER_COLUMNS,
        set: body,
      });
      if (!row) throw customerNotFound();
      return toCustomer(row);
    },
  });

  table.add({
    method: 'get',
    path: '/api/v1/devices',
    summary: 'Devices, optionally of one customer',
    roles,
    query: deviceQuery,
    response: z.object({ items: z.array(deviceView), nextOffset: z.number().int().nullable() }),
    handler: async ({ caller, query }) => {
      const rows: DeviceRow[] = await em().execute(
        `select ${DEVICE_COLUMNS} from devices where org_id = ? and (?::uuid is null or customer_id = ?::uuid) order by created_at desc, id limit ? offset ?`,
        [caller.orgId, query.customerId ?? null, query.customerId ?? null, query.limit + 1, query.offset],
      );
      const more = rows.length > query.limit;
      return { items: rows.slice(0, query.limit).map(toDevice), nextOffset: more ? query.offset + query.limit : null };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/devices',
    summary: 'Register a device (serial numbers are unique per organization)',
    roles,
    body: createDeviceBody,
    response: deviceView,
    status: 201,
    handler: async ({ caller, body }) => {
      await assertCustomerOwned(em(), { orgId: caller.orgId, customerId: body.customerId });
      const rows: DeviceRow[] = await conflictOnDuplicate(duplicateSerial(body.serialNumber), () =>
        em().execute(
          `insert into devices (org_id, serial_number, model, firmware_version, customer_id) values (?, ?, ?, ?, ?) returning ${DEVICE_COLUMNS}`,
          [caller.orgId, body.serialNumber, body.model, body.firmwareVersion ?? null, body.customerId ?? null],
        ),
      );
      return toDevice(rows[0]);
    },
  });

  table.add({
    method: 'patch',
    path: '/api/v1/devices/:id',
    summary: 'Change a device or the customer who owns it',
    roles,
    params: idParams,
    body: updateDeviceBody,
    response: deviceView,
    handler: async ({ caller, params, body }) => {
      if (!isUuid(params.id)) throw deviceNotFound();
      await assertCustomerOwned(em(), { orgId: caller.orgId, customerId: body.customerId });
      const row = await conflictOnDuplicate(duplicateSerial(body.serialNumber ?? ''), () =>
        updateOwnedRow<DeviceRow>(em(), {
          table: 'devices',
          id: params.id,
          orgId: caller.orgId,
          returning: DEVICE_COLUMNS,
          set: {
            serial_number: body.serialNumber,
            model: body.model,
            firmware_version: body.firmwareVersion,
            customer_id: body.customerId,
          },
        }),
      );
      if (!row) throw deviceNotFound();
      return toDevice(row);
    },
  });
}
