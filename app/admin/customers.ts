/** Customers, kept by agents as they work cases. */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  insertCustomer,
  searchCustomers,
  selectCustomer,
  selectCustomerIdentities,
  updateCustomerColumns,
  type CustomerIdentityView,
  type CustomerView,
} from '../../db/customers/customer-queries';
import { selectCustomerDevices, type DeviceView } from '../../db/devices/device-queries';
import { appErrors } from '../app-error';
import { isUuid } from './admin-inputs';
import type { CreateCustomerInput, CustomerSearchInput, UpdateCustomerInput } from './customer-inputs';

export type { CustomerView };
export type CustomerDetail = CustomerView & { identities: CustomerIdentityView[]; devices: DeviceView[] };

interface OrgContext {
  em: EntityManager;
  orgId: string;
}

const customerNotFound = () => appErrors.notFound('No such customer in your organization.');

/** A page, newest first; `nextOffset` is null on the last page. */
export async function searchCustomerPage(
  input: OrgContext & { search: CustomerSearchInput },
): Promise<{ items: CustomerView[]; nextOffset: number | null }> {
  const { limit, offset, q } = input.search;
  // One row past the page tells whether another page follows.
  const rows = await searchCustomers(input.em, { orgId: input.orgId, text: q, limit: limit + 1, offset });
  return { items: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
}

/** A customer with their channel identities and devices. */
export async function getCustomer(input: OrgContext & { customerId: string }): Promise<CustomerDetail> {
  const customer = isUuid(input.customerId) ? await selectCustomer(input.em, input) : undefined;
  if (!customer) throw customerNotFound();
  const identities = await selectCustomerIdentities(input.em, input);
  const devices = await selectCustomerDevices(input.em, input);
  return { ...customer, identities, devices };
}

export async function createCustomer(input: OrgContext & { customer: CreateCustomerInput }): Promise<CustomerView> {
  return insertCustomer(input.em, { orgId: input.orgId, ...input.customer });
}

export async function updateCustomer(
  input: OrgContext & { customerId: string; changes: UpdateCustomerInput },
): Promise<CustomerView> {
  const updated = isUuid(input.customerId) ? await updateCustomerColumns(input.em, input) : undefined;
  if (!updated) throw customerNotFound();
  return updated;
}
