import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';

jest.setTimeout(60_000);

/** "Partners need the enterprise plan" is one rule with one answer, wherever it is met. */
describe('partner users on an organization without the enterprise plan', () => {
  let api: ApiHarness;
  let admin: ApiUser;
  let partner: ApiUser;

  beforeAll(async () => {
    api = await ApiHarness.start('partner-plan');
    const orgId = (await createTestOrganization(api.orm.em.fork(), { plan: 'standard' })).id;
    admin = await createApiUser(api.orm, { orgId, role: 'admin' });
    // As if the plan had changed under an existing partner.
    partner = await createApiUser(api.orm, { orgId, role: 'partner' });
  });
  afterAll(async () => {
    await api.stop();
  });

  const refusal = {
    status: 403,
    type: 'https://casebackend.dev/problems/partner-needs-enterprise',
    detail: 'Partner users need an enterprise plan; the organization is on standard.',
  };

  it('answers an admin creating one and a partner signing in alike: 403 with the reason', async () => {
    const created = await api.call({
      method: 'POST',
      path: '/api/v1/users',
      token: admin.token,
      body: { email: 'partner@example.com', name: 'Partner', role: 'partner' },
    });
    expect({ status: created.status, type: created.body.type, detail: created.body.detail }).toEqual(refusal);

    const signedIn = await api.call({ path: '/api/v1/cases', token: partner.token });
    expect({ status: signedIn.status, type: signedIn.body.type, detail: signedIn.body.detail }).toEqual(refusal);
  });
});
