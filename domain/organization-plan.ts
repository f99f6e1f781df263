/**
 * What an organization's plan allows. Partner users, and the cases they create, exist only on the
 * enterprise plan: every door that creates a partner, lets one in, or changes a plan asks here.
 */
export const PLANS = ['standard', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export function planAllowsPartners(plan: Plan): boolean {
  return plan === 'enterprise';
}
