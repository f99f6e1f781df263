/** Customers' devices; serial numbers are unique per organization. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { customerExists } from '../../db/customers/customer-queries';
import { insertDevice, selectDevices, updateDeviceColumns, type DeviceView } from '../../db/devices/device-queries';
import { appErrors, withConflictOnDuplicate } from '../app-error';
import { isUuid } from './admin-inputs';
import type { CreateDeviceInput, DeviceListInput, UpdateDeviceInput } from './device-inputs';

export type { DeviceView };

interface OrgContext {
  em: EntityManager;
  orgId: string;
}

const deviceNotFound = () => appErrors.notFound('No such device in your organization.');
const duplicateSerial = (serial: string) => `A device with serial number ${serial} already exists.`;

async function assertCustomerOwned(input: OrgContext & { customerId: string | null | undefined }): Promise<void> {
  if (!input.customerId) return;
  if (!(await customerExists(input.em, { orgId: input.orgId, customerId: input.customerId })))
    throw appErrors.invalidField('customerId', 'No such customer in your organization.');
}

/** A page, newest first, optionally of one customer; `nextOffset` is null on the last page. */
export async function listDevicePage(
  input: OrgContext & { filter: DeviceListInput },
): Promise<{ items: DeviceView[]; nextOffset: number | null }> {
  const { limit, offset, customerId } = input.filter;
  // One row past the page tells whether another page follows.
  const rows = await selectDevices(input.em, { orgId: input.orgId, customerId, limit: limit + 1, offset });
  return { items: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
}

export async function createDevice(input: OrgContext & { device: CreateDeviceInput }): Promise<DeviceView> {
  const { em, orgId, device } = input;
  await assertCustomerOwned({ em, orgId, customerId: device.customerId });
  return withConflictOnDuplicate(duplicateSerial(device.serialNumber), () =>
    insertDevice(em, {
      orgId,
      serialNumber: device.serialNumber,
      model: device.model,
      firmwareVersion: device.firmwareVersion ?? null,
      customerId: device.customerId ?? null,
    }),
  );
}

/** Changes a device or the customer who owns it. */
export async function updateDevice(
  input: OrgContext & { deviceId: string; changes: UpdateDeviceInput },
): Promise<DeviceView> {
  const { em, orgId, deviceId, changes } = input;
  if (!isUuid(deviceId)) throw deviceNotFound();
  await assertCustomerOwned({ em, orgId, customerId: changes.customerId });
  const updated = await withConflictOnDuplicate(duplicateSerial(changes.serialNumber ?? ''), () =>
    updateDeviceColumns(em, { orgId, deviceId, changes }),
  );
  if (!updated) throw deviceNotFound();
  return updated;
}
