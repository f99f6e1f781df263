import { z } from '../zod';
import { nonEmpty, pageQuery, trimmed } from './admin-inputs';

const deviceFields = {
  serialNumber: trimmed(100),
  model: trimmed(200),
  firmwareVersion: z.string().trim().max(100).nullable().optional(),
  customerId: z.uuid().nullable().optional(),
};

export const createDeviceInput = z.strictObject(deviceFields);
export const updateDeviceInput = nonEmpty(
  z.strictObject({
    ...deviceFields,
    serialNumber: deviceFields.serialNumber.optional(),
    model: deviceFields.model.optional(),
  }),
);
export const deviceListInput = pageQuery.extend({ customerId: z.uuid().optional() });

export type CreateDeviceInput = z.output<typeof createDeviceInput>;
export type UpdateDeviceInput = z.output<typeof updateDeviceInput>;
export type DeviceListInput = z.output<typeof deviceListInput>;
