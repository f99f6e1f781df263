import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { deliverStoredMessage } from '../../app/case-lifecycle/deliver-stored-message';
import { startPendingCases } from '../../app/case-lifecycle/pending-sweep';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { caseStateQuery } from '../../workflows/case.contract';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { silentLogger } from '../support/connections';
import { createTestOrganization } from '../support/organization-fixture';
import { listen, type RunningApp } from '../support/http';
import { TEST_SECRETS_KEY } from '../workflows/case-harness';

const TASK_QUEUE = 'case-creation-outage';

/** Cases the API creates while Temporal is down: stored, answered 201, and their workflows started later. */
describe('creating a case while Temporal is unreachable', () => {
  let api: ApiHarness;
  let outage: RunningApp;
  let unreachable: Connection;
  let agent: ApiUser;

  beforeAll(async () => {
    api = await ApiHarness.start(TASK_QUEUE);
    // Nothing listens on the port: every workflow start fails, as when Temporal is down.
    unreachable = Connection.lazy({ address: `127.0.0.1:${await findFreePort()}` });
    outage = await listen(
      createApp({
        orm: api.orm,
        temporal: new Client({ connection: unreachable }),
        temporalConnection: unreachable,
        taskQueue: TASK_QUEUE,
        logger: silentLogger,
        bodyLimit: '1mb',
        publicBaseUrl: 'http://localhost',
        secretsKey: TEST_SECRETS_KEY,
        rateLimits: null,
      }),
    );
    const orgId = (await createTestOrganization(api.orm.em.fork())).id;
    agent = await createApiUser(api.orm, { orgId, role: 'agent', name: 'Theo Tech' });
  });
  afterAll(async () => {
    await outage.close();
    await unreachable.close();
    await api.stop();
  });

  const createDuringOutage = async (subject: string, options: { important?: boolean } = {}) => {
    const response = await fetch(`${outage.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject,
        body: 'Customer called: the camera keeps rebooting.',
        customer: { name: 'Ana Lopez', email: 'ana@example.com' },
        ...options,
      }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { id: string; workflowId: string; status: string; openedAt: string },
    };
  };
  const pendingMark = async (caseId: string) =>
    (
      await api.orm.em
        .fork()
        .execute<Array<{ workflow_start_pending: boolean }>>(`select workflow_start_pending from cases where id = ?`, [
          caseId,
        ])
    )[0].workflow_start_pending;
  const workflowOf = (workflowId: string) => api.cases.env.client.workflow.getHandle(workflowId);

  it("answers 201 at once with the stored case, which the worker's sweep starts from what was stored", async () => {
    const created = await createDuringOutage('Camera reboots every hour');
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('open');
    expect(await pendingMark(created.body.id)).toBe(true);
    await expect(workflowOf(created.body.workflowId).describe()).rejects.toThrow();

    const sweep = await startPendingCases({ orm: api.orm, temporal: api.cases.temporal, graceMs: 0 });
    expect(sweep.failed.map((failure) => failure.caseId)).not.toContain(created.body.id);
    expect(sweep.started).toBeGreaterThanOrEqual(1);
    expect(await pendingMark(created.body.id)).toBe(false);
    const state = await workflowOf(created.body.workflowId).query(caseStateQuery);
    // Opened when it was stored, so its attention timer counts from then.
    expect(state.state.openedAt).toBe(new Date(created.body.openedAt).getTime());
    expect(state.state.status).toBe('open');

    const again = await startPendingCases({ orm: api.orm, temporal: api.cases.temporal, graceMs: 0 });
    expect(again.started).toBe(0);
  });

  it("starts a pending case's workflow when an agent acts on it before the sweep", async () => {
    const created = await createDuringOutage('Doorbell chime silent');
    expect(created.status).toBe(201);
    // A note needs no workflow: it is taken while Temporal is still down, and leaves the case pending.
    const note = await fetch(`${outage.baseUrl}/api/v1/cases/${created.body.id}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Asked for the serial number.' }),
    });
    expect(note.status).toBe(201);
    expect(await pendingMark(created.body.id)).toBe(true);
    const assigned = await api.call({
      method: 'POST',
      path: `/api/v1/cases/${created.body.id}/assign`,
      token: agent.token,
      body: { assigneeId: agent.userId },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'in_progress', assignee: { id: agent.userId } });
    expect(await pendingMark(created.body.id)).toBe(false);
    expect((await workflowOf(created.body.workflowId).query(caseStateQuery)).state.assigneeId).toBe(agent.userId);
  });

  it('starts a pending case as stored when a customer message reaches it before the sweep', async () => {
    const created = await createDuringOutage('Chime keeps ringing', { important: true });
    expect(created.status).toBe(201);
    const rows: Array<{ id: string }> = await api.orm.em.fork().execute(
      `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, provider_message_id, body, occurred_at, signal_pending)
       select org_id, id, thread_id, channel, 'inbound', 'message', 'customer', ?, 'Any news on this.', now(), true from cases where id = ? returning id`,
      [`<${created.body.id}@example.com>`, created.body.id],
    );
    await deliverStoredMessage({ orm: api.orm, temporal: api.cases.temporal, messageId: rows[0].id });
    const state = await workflowOf(created.body.workflowId).query(caseStateQuery);
    expect(state.state.important).toBe(true);
    expect(state.state.openedAt).toBe(new Date(created.body.openedAt).getTime());
  });

  it('leaves no mark on a case whose workflow started with it', async () => {
    const created = await api.call({
      method: 'POST',
      path: '/api/v1/cases',
      token: agent.token,
      body: { subject: 'Thermostat shows E4' },
    });
    expect(created.status).toBe(201);
    expect(await pendingMark(created.body.id as string)).toBe(false);
  });
});
