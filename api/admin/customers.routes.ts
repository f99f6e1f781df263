import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from '../openapi/zod';
import type { RouteTable } from '../openapi/route-table';
import { createCustomer, getCustomer, searchCustomerPage, updateCustomer } from '../../app/admin/customers';
import { createCustomerInput, customerSearchInput, updateCustomerInput } from '../../app/admin/customer-inputs';
import { createDevice, listDevicePage, updateDevice } from '../../app/admin/devices';
import { createDeviceInput, deviceListInput, updateDeviceInput } from '../../app/admin/device-inputs';
import { idParams } from './admin-schemas';

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

/** Customers and their devices, kept by agents as they work cases. */
export function addCustomerRoutes(table: RouteTable, deps: { orm: MikroORM }): void {
  const em = () => deps.orm.em.fork();
  const roles: Array<'admin' | 'agent'> = ['admin', 'agent'];

  table.add({
    method: 'get',
    path: '/api/v1/customers',
    summary: 'Customers, searched by name, email or phone',
    roles,
    query: customerSearchInput,
    response: z.object({ items: z.array(customerView), nextOffset: z.number().int().nullable() }),
    handler: ({ caller, query }) => searchCustomerPage({ em: em(), orgId: caller.orgId, search: query }),
  });

  table.add({
    method: 'get',
    path: '/api/v1/customers/:id',
    summary: 'A customer with channel identities and devices',
    roles,
    params: idParams,
    response: customerView.extend({ identities: z.array(identityView), devices: z.array(deviceView) }),
    handler: ({ caller, params }) => getCustomer({ em: em(), orgId: caller.orgId, customerId: params.id }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/customers',
    summary: 'Add a customer',
    roles,
    body: createCustomerInput,
    response: customerView,
    status: 201,
    handler: ({ caller, body }) => createCustomer({ em: em(), orgId: caller.orgId, customer: body }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/customers/:id',
    summary: "Change a customer's name, email or phone",
    roles,
    params: idParams,
    body: updateCustomerInput,
    response: customerView,
    handler: ({ caller, params, body }) =>
      updateCustomer({ em: em(), orgId: caller.orgId, customerId: params.id, changes: body }),
  });

  table.add({
    method: 'get',
    path: '/api/v1/devices',
    summary: 'Devices, optionally of one customer',
    roles,
    query: deviceListInput,
    response: z.object({ items: z.array(deviceView), nextOffset: z.number().int().nullable() }),
    handler: ({ caller, query }) => listDevicePage({ em: em(), orgId: caller.orgId, filter: query }),
  });

  table.add({
    method: 'post',
    path: '/api/v1/devices',
    summary: 'Register a device (serial numbers are unique per organization)',
    roles,
    body: createDeviceInput,
    response: deviceView,
    status: 201,
    handler: ({ caller, body }) => createDevice({ em: em(), orgId: caller.orgId, device: body }),
  });

  table.add({
    method: 'patch',
    path: '/api/v1/devices/:id',
    summary: 'Change a device or the customer who owns it',
    roles,
    params: idParams,
    body: updateDeviceInput,
    response: deviceView,
    handler: ({ caller, params, body }) =>
      updateDevice({ em: em(), orgId: caller.orgId, deviceId: params.id, changes: body }),
  });
}
