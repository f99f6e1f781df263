import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate } from '../admin/iso-date';
import { updateOwnedRow } from '../admin/update-owned-row';

export interface DeviceView {
  id: string;
  serialNumber: string;
  model: string;
  firmwareVersion: string | null;
  customerId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeviceFields {
  serialNumber?: string;
  model?: string;
  firmwareVersion?: string | null;
  customerId?: string | null;
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
const COLUMNS = 'id, serial_number, model, firmware_version, customer_id, created_at, updated_at';

const toDeviceView = (row: DeviceRow): DeviceView => ({
  id: row.id,
  serialNumber: row.serial_number,
  model: row.model,
  firmwareVersion: row.firmware_version,
  customerId: row.customer_id,
  createdAt: isoDate(row.created_at),
  updatedAt: isoDate(row.updated_at),
});

/** Newest first, optionally only one customer's. */
export async function selectDevices(
  em: EntityManager,
  input: { orgId: string; customerId?: string; limit: number; offset: number },
): Promise<DeviceView[]> {
  const rows: DeviceRow[] = await em.execute(
    `select ${COLUMNS} from devices where org_id = ? and (?::uuid is null or customer_id = ?::uuid) order by created_at desc, id limit ? offset ?`,
    [input.orgId, input.customerId ?? null, input.customerId ?? null, input.limit, input.offset],
  );
  return rows.map(toDeviceView);
}

/** Oldest first, as a customer's page lists them. */
export async function selectCustomerDevices(
  em: EntityManager,
  input: { orgId: string; customerId: string },
): Promise<DeviceView[]> {
  const rows: DeviceRow[] = await em.execute(
    `select ${COLUMNS} from devices where customer_id = ? and org_id = ? order by created_at, id`,
    [input.customerId, input.orgId],
  );
  return rows.map(toDeviceView);
}

export async function insertDevice(
  em: EntityManager,
  input: {
    orgId: string;
    serialNumber: string;
    model: string;
    firmwareVersion: string | null;
    customerId: string | null;
  },
): Promise<DeviceView> {
  const rows: DeviceRow[] = await em.execute(
    `insert into devices (org_id, serial_number, model, firmware_version, customer_id) values (?, ?, ?, ?, ?) returning ${COLUMNS}`,
    [input.orgId, input.serialNumber, input.model, input.firmwareVersion, input.customerId],
  );
  return toDeviceView(rows[0]);
}

export async function updateDeviceColumns(
  em: EntityManager,
  input: { orgId: string; deviceId: string; changes: DeviceFields },
): Promise<DeviceView | undefined> {
  const { changes } = input;
  const row = await updateOwnedRow<DeviceRow>(em, {
    table: 'devices',
    id: input.deviceId,
    orgId: input.orgId,
    returning: COLUMNS,
    set: {
      serial_number: changes.serialNumber,
      model: changes.model,
      firmware_version: changes.firmwareVersion,
      customer_id: changes.customerId,
    },
  });
  return row && toDeviceView(row);
}
