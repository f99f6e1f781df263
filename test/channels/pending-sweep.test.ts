import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { redeliverPendingMessages } from '../../app/case-lifecycle/pending-sweep';
import type { InboundMessage } from '../../db/cases/record-inbound-message';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { archiveUpdate, setStatusUpdate } from '../../workflows/case.contract';
import { eventually } from '../support/eventually';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from '../workflows/case-harness';

describe('redelivery of stored messages whose workflow was never signalled', () => {
  let harness: CaseHarness;
  let unreachable: { client: Client; taskQueue: string };
  beforeAll(async () => {
    harness = await CaseHarness.startOnDevServer({ taskQueue: 'redeliver-pending' });
    // Nothing listens on the port: every signalWithStart fails, as when Temporal is down.
    const connection = Connection.lazy({ address: `127.0.0.1:${await findFreePort()}` });
    unreachable = { client: new Client({ connection }), taskQueue: harness.taskQueue };
  });
  afterAll(async () => {
    await unreachable.client.connection.close();
    await harness.stop();
  });

  const emailMessage = (orgId: string, overrides: Partial<InboundMessage> = {}): InboundMessage => ({
    orgId,
    channel: 'email',
    sender: { externalId: 'dana@example.com', email: 'dana@example.com', name: 'Dana' },
    threadRef: null,
    subject: 'Doorbell offline',
    body: 'My doorbell has been offline since this morning.',
    providerMessageId: `<${randomUUID()}@example.com>`,
    occurredAt: new Date(),
    ...overrides,
  });
  const sweep = () => redeliverPendingMessages({ orm: harness.orm, temporal: harness.temporal, graceMs: 0 });
  const storedMessage = async (providerMessageId: string) => {
    const rows: Array<{ id: string; case_id: string; signal_pending: boolean }> = await harness.orm.em
      .fork()
      .execute(`select id, case_id, signal_pending from messages where provider_message_id = ?`, [providerMessageId]);
    return rows[0];
  };
  /** How many customerMessage signals for this message the workflow's histories hold. */
  const signalsOf = async (workflowId: string, messageId: string) =>
    (await harness.runHistories(workflowId))
      .flatMap((run) => run.customerMessages)
      .filter((message) => message.messageId === messageId).length;

  it('signals a message stored while Temporal was unreachable exactly once, and a second sweep does nothing', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const message = emailMessage(org.id);
    await expect(ingestCustomerMessage({ orm: harness.orm, temporal: unreachable, message })).rejects.toThrow();
    const pending = await storedMessage(message.providerMessageId);
    expect(pending.signal_pending).toBe(true);
    const kase = await harness.caseRow(pending.case_id);
    await expect(harness.env.client.workflow.getHandle(kase.workflow_id as string).describe()).rejects.toThrow();

    const first = await sweep();
    expect(first.redelivered).toBeGreaterThanOrEqual(1);
    expect(first.failed.map((failure) => failure.messageId)).not.toContain(pending.id);
    expect((await storedMessage(message.providerMessageId)).signal_pending).toBe(false);
    expect(await signalsOf(kase.workflow_id as string, pending.id)).toBe(1);
    const caught = await eventually(
      () => harness.caseRow(pending.case_id),
      (row) => row.last_customer_message_at === message.occurredAt.getTime(),
    );
    expect(caught.last_customer_message_at).toBe(message.occurredAt.getTime());
    expect(caught.status).toBe('open');

    const second = await sweep();
    expect(second.redelivered).toBe(0);
    expect(await signalsOf(kase.workflow_id as string, pending.id)).toBe(1);
    const events: Array<{ n: string }> = await harness.orm.em
      .fork()
      .execute(`select count(*) as n from case_events where case_id = ? and type = 'customer_message'`, [
        pending.case_id,
      ]);
    expect(Number(events[0].n)).toBe(1);
  });

  it('stops a sweep at the first message Temporal cannot take, keeping every mark for the next sweep', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const messages = [
      emailMessage(org.id),
      emailMessage(org.id, { sender: { externalId: 'eli@example.com', email: 'eli@example.com', name: 'Eli' } }),
    ];
    for (const message of messages)
      await expect(ingestCustomerMessage({ orm: harness.orm, temporal: unreachable, message })).rejects.toThrow();

    const blocked = await redeliverPendingMessages({ orm: harness.orm, temporal: unreachable, graceMs: 0 });
    expect(blocked.redelivered).toBe(0);
    expect(blocked.failed).toHaveLength(1);
    for (const message of messages) expect((await storedMessage(message.providerMessageId)).signal_pending).toBe(true);

    await sweep();
    for (const message of messages) expect((await storedMessage(message.providerMessageId)).signal_pending).toBe(false);
  });

  it('clears the mark when the webhook delivers, and a provider retry of a delivered message does not set it again', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const message = emailMessage(org.id);
    await ingestCustomerMessage({ orm: harness.orm, temporal: harness.temporal, message });
    expect((await storedMessage(message.providerMessageId)).signal_pending).toBe(false);
    const again = await ingestCustomerMessage({ orm: harness.orm, temporal: harness.temporal, message });
    expect(again.duplicate).toBe(true);
    expect((await storedMessage(message.providerMessageId)).signal_pending).toBe(false);
  });

  it("opens the follow-up case when the pending message's case ended before the sweep", async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const first = await ingestCustomerMessage({
      orm: harness.orm,
      temporal: harness.temporal,
      message: emailMessage(org.id),
    });
    const threads: Array<{ thread_id: string }> = await harness.orm.em
      .fork()
      .execute(`select thread_id from cases where id = ?`, [first.caseId]);
    // Email threads by headers: the channel found the first case's thread, and the message joins that case.
    const late = emailMessage(org.id, { body: 'It is offline again.', threadId: threads[0].thread_id });
    await expect(ingestCustomerMessage({ orm: harness.orm, temporal: unreachable, message: late })).rejects.toThrow();
    expect(await storedMessage(late.providerMessageId)).toMatchObject({ case_id: first.caseId, signal_pending: true });

    const handle = harness.env.client.workflow.getHandle(first.workflowId);
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    await handle.executeUpdate(archiveUpdate, { args: [{ actor: { type: 'agent' } }] });
    await handle.result();

    await sweep();
    const moved = await storedMessage(late.providerMessageId);
    expect(moved.signal_pending).toBe(false);
    expect(moved.case_id).not.toBe(first.caseId);
    const followUp = await harness.caseRow(moved.case_id);
    expect(followUp.previous_case_id).toBe(first.caseId);
    expect(await signalsOf(followUp.workflow_id as string, moved.id)).toBe(1);
  });
});
