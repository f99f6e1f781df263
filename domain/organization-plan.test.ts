import { PLANS, planAllowsPartners } from './organization-plan';

describe('organization plans', () => {
  it('lets partners in on the enterprise plan only', () => {
    expect(PLANS.filter((plan) => planAllowsPartners(plan))).toEqual(['enterprise']);
  });
});
