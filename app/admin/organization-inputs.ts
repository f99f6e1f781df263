import { z } from '../zod';
import { nonEmpty, emailField, orgSlugField, planField, trimmed } from './admin-inputs';

const HOUR = 3600;
const DAY = 24 * HOUR;
const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** The bounds keep a typo from closing cases at once or never: a minute's window would auto-close a case mid-conversation. */
export const organizationDurationFields = {
  reopenWindowSeconds: seconds(HOUR, 90 * DAY),
  messagingWindowSeconds: seconds(HOUR, 30 * DAY),
  attentionAfterSeconds: seconds(5 * 60, 30 * DAY),
};

export const createOrganizationInput = z.strictObject({
  slug: orgSlugField,
  name: trimmed(200),
  plan: planField.default('standard'),
});

const settingsFields = {
  name: trimmed(200).optional(),
  reopenWindowSeconds: organizationDurationFields.reopenWindowSeconds.optional(),
  messagingWindowSeconds: organizationDurationFields.messagingWindowSeconds.optional(),
  attentionAfterSeconds: organizationDurationFields.attentionAfterSeconds.optional(),
  humanAgentTagEnabled: z.boolean().optional(),
  categorizer: z.enum(['local', 'llm']).optional(),
  /** null clears the address. */
  supportEmail: emailField.nullable().optional(),
};

/** What an organization's admin may change. */
export const updateSettingsInput = nonEmpty(z.strictObject(settingsFields));

/** The plan is billing, changed by an operator only; the rest is what an admin may change too. */
export const operatorSettingsInput = nonEmpty(z.strictObject({ ...settingsFields, plan: planField.optional() }));

export type CreateOrganizationInput = z.output<typeof createOrganizationInput>;
export type OperatorSettingsInput = z.output<typeof operatorSettingsInput>;
