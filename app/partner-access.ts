import { planAllowsPartners, type Plan } from '../domain/organization-plan';
import { AppError } from './app-error';

/**
 * The one answer to "partners need the enterprise plan", whether a partner signs in or an admin
 * creates one: forbidden, with the reason.
 */
export function partnerAccessRefusal(plan: Plan): AppError | null {
  return planAllowsPartners(plan)
    ? null
    : new AppError('forbidden', `Partner users need an enterprise plan; the organization is on ${plan}.`, {
        type: 'partner-needs-enterprise',
      });
}
