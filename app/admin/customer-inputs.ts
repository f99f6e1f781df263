import { z } from '../zod';
import { emailField, nonEmpty, pageQuery, phoneField, trimmed } from './admin-inputs';

const customerFields = {
  name: trimmed(200).nullable().optional(),
  email: emailField.nullable().optional(),
  phone: phoneField.nullable().optional(),
};

export const createCustomerInput = z
  .strictObject(customerFields)
  .refine(
    (value) => Boolean(value.name ?? value.email ?? value.phone),
    'Give at least a name, an email or a phone number.',
  );
export const updateCustomerInput = nonEmpty(z.strictObject(customerFields));
export const customerSearchInput = pageQuery.extend({ q: z.string().trim().max(200).optional() });

export type CreateCustomerInput = z.output<typeof createCustomerInput>;
export type UpdateCustomerInput = z.output<typeof updateCustomerInput>;
export type CustomerSearchInput = z.output<typeof customerSearchInput>;
