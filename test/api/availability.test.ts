import { randomUUID } from 'node:crypto';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { caseStateQuery } from '../../workflows/case.contract';
import { ApiHarness, createApiUser } from '../support/api-harness';
import { createTestOrganization } from '../support/organization-fixture';
import { eventually } from '../support/eventually';

describe('waiting cases are handed out when an agent becomes available or frees capacity', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('availability');
  });
  afterAll(async () => {
    await api.stop();
  });

  it('keeps a case unassigned while its agent is away, and assigns it once the agent is back; a resolved case frees capacity', async () => {
    const orgId = (await createTestOrganization(api.orm.em.fork())).id;
    const agent = await createApiUser(api.orm, { orgId, role: 'agent', name: 'Theo Tech' });
    const em = api.orm.em.fork();
    await em.execute(`update users set available = false, capacity = 1 where id = ?`, [agent.userId]);
    await em.execute(
      `insert into routing_rules (org_id, position, name, conditions, action) values (?, 1, 'Everything to Theo', '{}', ?)`,
      [orgId, JSON.stringify({ type: 'user', userId: agent.userId })],
    );

    const write = (from: string) =>
      ingestCustomerMessage({
        orm: api.orm,
        temporal: api.cases.temporal,
        message: {
          orgId,
          channel: 'email',
          sender: { externalId: from, email: from },
          threadRef: null,
          subject: 'Help',
          body: 'My thermostat is offline.',
          providerMessageId: `<${randomUUID()}@example.com>`,
          occurredAt: new Date(),
        },
      });
    const first = await write('one@example.com');
    const second = await write('two@example.com');
    const stateOf = (workflowId: string) => api.cases.env.client.workflow.getHandle(workflowId).query(caseStateQuery);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await stateOf(first.workflowId)).state.assigneeId).toBeNull();

    const back = await api.call({
      method: 'POST',
      path: '/api/v1/me/availability',
      token: agent.token,
      body: { available: true },
    });
    expect(back.status).toBe(200);
    const assigned = await eventually(
      () => stateOf(first.workflowId),
      (s) => s.state.assigneeId !== null,
    );
    expect(assigned.state.assigneeId).toBe(agent.userId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await stateOf(second.workflowId)).state.assigneeId).toBeNull();

    expect(
      (
        await api.call({
          method: 'POST',
          path: `/api/v1/cases/${first.caseId}/status`,
          token: agent.token,
          body: { status: 'resolved' },
        })
      ).status,
    ).toBe(200);
    const handedOut = await eventually(
      () => stateOf(second.workflowId),
      (s) => s.state.assigneeId !== null,
    );
    expect(handedOut.state.assigneeId).toBe(agent.userId);
  });
});
