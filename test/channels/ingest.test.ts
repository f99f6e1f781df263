import { randomUUID } from 'node:crypto';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import type { InboundMessage } from '../../db/cases/record-inbound-message';
import { archiveUpdate, caseStateQuery, setStatusUpdate } from '../../workflows/case.contract';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from '../workflows/case-harness';

describe('ingest: store, then signal', () => {
  let harness: CaseHarness;
  beforeAll(async () => {
    harness = await CaseHarness.startOnDevServer({ taskQueue: 'ingest' });
  });
  afterAll(async () => {
    await harness.stop();
  });

  const instagramMessage = (orgId: string, overrides: Partial<InboundMessage> = {}): InboundMessage => ({
    orgId,
    channel: 'instagram',
    sender: { externalId: 'igsid-1789', name: 'maria.k' },
    threadRef: 'ig:17841400000:igsid-1789',
    subject: 'Instagram message',
    body: 'Hi! My Vela Cam 2 stopped recording last night',
    providerMessageId: `mid.${randomUUID()}`,
    occurredAt: new Date(),
    ...overrides,
  });
  const ingest = (message: InboundMessage) =>
    ingestCustomerMessage({ orm: harness.orm, temporal: harness.temporal, message });
  const count = async (sql: string, params: unknown[]) =>
    Number((await harness.orm.em.fork().execute<Array<{ n: string }>>(sql, params))[0].n);

  it('creates a case with its customer and thread, continues it with the next message, and ignores redeliveries', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const first = await ingest(instagramMessage(org.id));
    expect(first).toMatchObject({ duplicate: false, caseCreated: true });
    const second = await ingest(
      instagramMessage(org.id, { body: 'Any news?', occurredAt: new Date(Date.now() + 1000) }),
    );
    expect(second).toMatchObject({ duplicate: false, caseCreated: false, caseId: first.caseId });

    const redelivery = instagramMessage(org.id, { providerMessageId: `mid.${randomUUID()}` });
    const deliveries = await Promise.all(Array.from({ length: 5 }, () => ingest(redelivery)));
    expect(new Set(deliveries.map((delivery) => delivery.messageId)).size).toBe(1);
    expect(deliveries.filter((delivery) => !delivery.duplicate)).toHaveLength(1);

    expect(await count(`select count(*) as n from messages where case_id = ?`, [first.caseId])).toBe(3);
    expect(await count(`select count(*) as n from customers where org_id = ?`, [org.id])).toBe(1);
    expect(await count(`select count(*) as n from threads where org_id = ?`, [org.id])).toBe(1);
    const state = await harness.env.client.workflow.getHandle(first.workflowId).query(caseStateQuery);
    expect(state.state.channel).toBe('instagram');
    expect(state.timeSensitive).toBe(true);
  });

  it('keeps the same provider message id of two organizations apart', async () => {
    const [orgA, orgB] = [
      await createTestOrganization(harness.orm.em.fork()),
      await createTestOrganization(harness.orm.em.fork()),
    ];
    const message = instagramMessage(orgA.id);
    const a = await ingest(message);
    const b = await ingest({ ...message, orgId: orgB.id });
    expect(b.duplicate).toBe(false);
    expect(b.caseId).not.toBe(a.caseId);
  });

  it('opens a new case linked to the old one when the old case has ended', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const first = await ingest(instagramMessage(org.id));
    const handle = harness.env.client.workflow.getHandle(first.workflowId);
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    await handle.executeUpdate(archiveUpdate, { args: [{ actor: { type: 'agent' } }] });
    await handle.result();

    const next = await ingest(instagramMessage(org.id, { body: 'It broke again' }));
    expect(next.caseId).not.toBe(first.caseId);
    expect(next.caseCreated).toBe(true);
    const rows: Array<{ previous_case_id: string; thread_id: string }> = await harness.orm.em
      .fork()
      .execute(`select previous_case_id, thread_id from cases where id = ?`, [next.caseId]);
    expect(rows[0].previous_case_id).toBe(first.caseId);
    expect(await count(`select count(*) as n from messages where case_id = ?`, [next.caseId])).toBe(1);
    expect((await harness.env.client.workflow.getHandle(next.workflowId).query(caseStateQuery)).state.status).toBe(
      'open',
    );
  });
});
