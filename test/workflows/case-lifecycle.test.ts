import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  caseStateQuery,
  recordReplyUpdate,
  setCategoryUpdate,
  setStatusUpdate,
  assignUpdate,
  archiveUpdate,
  reopenUpdate,
  markImportantUpdate,
} from '../../workflows/case.contract';
import { createTestUser, storeAgentReply } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from './case-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const agent = (userId: string) => ({ type: 'agent' as const, userId });

async function rejectionOf(work: Promise<unknown>): Promise<{ message: string; code: unknown }> {
  try {
    await work;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause as { message: string; details?: unknown[] };
      return { message: cause.message, code: cause.details?.[0] };
    }
    throw error;
  }
  throw new Error('expected the update to be rejected');
}

describe('case workflow lifecycle (time-skipping server, real Postgres)', () => {
  let harness: CaseHarness;
  beforeAll(async () => {
    harness = await CaseHarness.start('case-lifecycle');
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('moves open → in_progress → waiting → in_progress → resolved, persists every version with a timeline, and ends after the reopen window', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const userId = await createTestUser(harness.orm.em.fork(), { orgId: org.id });
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);

    expect((await handle.query(caseStateQuery)).state.status).toBe('open');
    expect(
      (await handle.executeUpdate(assignUpdate, { args: [{ assigneeId: userId, actor: agent(userId) }] })).state.status,
    ).toBe('in_progress');
    const replyId = await storeAgentReply(harness.orm, { kase, at: new Date(await harness.now()) });
    const replied = await handle.executeUpdate(recordReplyUpdate, {
      args: [{ messageId: replyId, authoredBy: 'human', actor: agent(userId) }],
    });
    expect(replied.state.status).toBe('waiting_for_customer');
    await harness.customerWrites(kase);
    expect((await handle.query(caseStateQuery)).state.status).toBe('in_progress');
    const resolved = await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: agent(userId) }] });
    expect(resolved.state).toMatchObject({ status: 'resolved', resolution: 'manual' });

    const row = await harness.caseRow(kase.caseId);
    expect(row).toMatchObject({
      status: 'resolved',
      resolution: 'manual',
      assignee_id: userId,
      version: resolved.version,
    });
    const timeline: Array<{ type: string; version: number; changes: Record<string, { from: unknown; to: unknown }> }> =
      await harness.orm.em
        .fork()
        .execute(`select type, version, changes from case_events where case_id = ? order by version`, [kase.caseId]);
    expect(timeline.map((entry) => entry.type)).toEqual([
      'customer_message',
      'assign',
      'agent_reply',
      'customer_message',
      'change_status',
    ]);
    expect(timeline[4].changes.status).toEqual({ from: 'in_progress', to: 'resolved' });

    await harness.env.sleep(8 * DAY);
    await handle.result();
    expect((await harness.caseRow(kase.caseId)).lifecycle_ended_at).not.toBeNull();
    await harness.recordHistory(kase, 'full-lifecycle');
  });

  it('keeps an Instagram case time-sensitive for 24 hours, then refuses a reply with the reason', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const userId = await createTestUser(harness.orm.em.fork(), { orgId: org.id });
    const kase = await harness.openCase({ orgId: org.id, channel: 'instagram' });
    const handle = harness.handle(kase);
    const started = await harness.now();

    const during = await handle.query(caseStateQuery);
    expect(during.timeSensitive).toBe(true);
    expect(during.state.windowExpiresAt).toBeGreaterThanOrEqual(started + DAY - 5_000);
    expect((await harness.caseRowInSync(kase)).window_expires_at).toBe(during.state.windowExpiresAt);

    await harness.env.sleep(25 * HOUR);
    expect((await handle.query(caseStateQuery)).timeSensitive).toBe(false);
    const replyId = await storeAgentReply(harness.orm, { kase, at: new Date(await harness.now()) });
    const rejection = await rejectionOf(
      handle.executeUpdate(recordReplyUpdate, {
        args: [{ messageId: replyId, authoredBy: 'human', actor: agent(userId) }],
      }),
    );
    expect(rejection.code).toBe('reply_window_closed');
    expect(rejection.message).toMatch(/window/i);
  });

  it('allows a human reply after 24 hours with the HUMAN_AGENT tag when the organization enables it, never an automatic one', async () => {
    const org = await createTestOrganization(harness.orm.em.fork(), { humanAgentTagEnabled: true });
    const userId = await createTestUser(harness.orm.em.fork(), { orgId: org.id });
    const kase = await harness.openCase({ orgId: org.id, channel: 'facebook' });
    const handle = harness.handle(kase);
    await harness.env.sleep(30 * HOUR);

    const botReply = await storeAgentReply(harness.orm, { kase, at: new Date(await harness.now()) });
    expect(
      (
        await rejectionOf(
          handle.executeUpdate(recordReplyUpdate, {
            args: [{ messageId: botReply, authoredBy: 'automation', actor: { type: 'system' } }],
          }),
        )
      ).code,
    ).toBe('reply_window_closed');
    const humanReply = await storeAgentReply(harness.orm, { kase, at: new Date(await harness.now()) });
    const accepted = await handle.executeUpdate(recordReplyUpdate, {
      args: [{ messageId: humanReply, authoredBy: 'human', actor: agent(userId) }],
    });
    expect(accepted.messagingTag).toBe('HUMAN_AGENT');
    await harness.recordHistory(kase, 'meta-window-human-agent-tag');
  });

  it('flags needs-attention 3 days after opening and clears it on resolve', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);

    await harness.env.sleep(2 * DAY);
    expect((await handle.query(caseStateQuery)).state.needsAttention).toBe(false);
    await harness.env.sleep(DAY + HOUR);
    expect((await handle.query(caseStateQuery)).state.needsAttention).toBe(true);
    expect((await harness.caseRowInSync(kase)).attention_due_at).toBeLessThanOrEqual(await harness.now());

    const resolved = await handle.executeUpdate(setStatusUpdate, {
      args: [{ to: 'resolved', actor: { type: 'agent' } }],
    });
    expect(resolved.state.needsAttention).toBe(false);
    expect((await harness.caseRow(kase.caseId)).attention_due_at).toBeNull();
    await harness.recordHistory(kase, 'attention-flag');
  });

  it('reopens a resolved case when the customer writes inside the reopen window', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    await harness.env.sleep(2 * DAY);

    const { outcome } = await harness.customerWrites(kase);
    expect(outcome).toBe('delivered');
    const state = (await handle.query(caseStateQuery)).state;
    expect(state).toMatchObject({ status: 'open', resolution: null, needsAttention: false });
    expect(state.openedAt).toBeGreaterThanOrEqual((await harness.now()) - 60_000);
  });

  it('starts a new case linked to the old one when the customer writes after the reopen window', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    await harness.env.sleep(8 * DAY);
    await handle.result();

    const { messageId, outcome } = await harness.customerWrites(kase);
    expect(outcome).toBe('closed');
    const { openFollowUpCase } = await import('../../app/case-lifecycle/open-follow-up-case');
    const followUp = await openFollowUpCase({
      orm: harness.orm,
      temporal: harness.temporal,
      orgId: org.id,
      previousCaseId: kase.caseId,
      messageId,
    });
    const again = await openFollowUpCase({
      orm: harness.orm,
      temporal: harness.temporal,
      orgId: org.id,
      previousCaseId: kase.caseId,
      messageId,
    });
    expect(again.caseId).toBe(followUp.caseId);

    const row = await harness.caseRow(followUp.caseId);
    expect(row).toMatchObject({
      previous_case_id: kase.caseId,
      status: 'open',
      thread_id: (await harness.caseRow(kase.caseId)).thread_id,
    });
    const message: Array<{ case_id: string }> = await harness.orm.em
      .fork()
      .execute(`select case_id from messages where id = ?`, [messageId]);
    expect(message[0].case_id).toBe(followUp.caseId);
    const followUpState = await harness.env.client.workflow.getHandle(followUp.workflowId).query(caseStateQuery);
    expect(followUpState.state.lastCustomerMessageAt).not.toBeNull();
  });

  it('auto-resolves a case categorized as spam; a later message from the sender is recorded but does not reopen it', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);
    const categorized = await handle.executeUpdate(setCategoryUpdate, {
      args: [{ categoryId: null, categoryName: 'Spam', autoResolve: true, actor: { type: 'ai' } }],
    });
    expect(categorized.state.status).toBe('open');

    const categoryRows: Array<{ id: string }> = await harness.orm.em
      .fork()
      .execute(`insert into categories (org_id, name, auto_resolve) values (?, 'Spam', true) returning id`, [org.id]);
    const spam = await handle.executeUpdate(setCategoryUpdate, {
      args: [{ categoryId: categoryRows[0].id, categoryName: 'Spam', autoResolve: true, actor: { type: 'ai' } }],
    });
    expect(spam.state).toMatchObject({ status: 'resolved', resolution: 'auto', categoryId: categoryRows[0].id });

    const before = await handle.query(caseStateQuery);
    const { outcome } = await harness.customerWrites(kase);
    expect(outcome).toBe('delivered');
    const after = await handle.query(caseStateQuery);
    expect(after.state).toEqual(before.state);
    expect(after.version).toBe(before.version);

    const reopened = await handle.executeUpdate(reopenUpdate, { args: [{ actor: { type: 'agent' } }] });
    expect(reopened.state.status).toBe('open');
    await harness.recordHistory(kase, 'auto-resolved-spam');
  });

  it('ignores a duplicate signal for the same message', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'waiting_for_customer', actor: { type: 'agent' } }] });
    const first = await harness.customerWrites(kase);
    const afterFirst = await handle.query(caseStateQuery);
    await harness.customerWrites(kase, first.messageId);
    await harness.customerWrites(kase, first.messageId);
    const afterDuplicates = await handle.query(caseStateQuery);
    expect(afterDuplicates.version).toBe(afterFirst.version);
    expect(afterDuplicates.state).toEqual(afterFirst.state);
  });

  it('refuses invalid transitions with a reason and leaves the case unchanged; archive ends the workflow', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const kase = await harness.openCase({ orgId: org.id, channel: 'manual' });
    const handle = harness.handle(kase);
    const before = await handle.query(caseStateQuery);

    const rejection = await rejectionOf(handle.executeUpdate(archiveUpdate, { args: [{ actor: { type: 'agent' } }] }));
    expect(rejection.message).toBe('Only resolved cases can be archived.');
    expect((await handle.query(caseStateQuery)).version).toBe(before.version);

    await handle.executeUpdate(markImportantUpdate, { args: [{ important: true, actor: { type: 'agent' } }] });
    await handle.executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    const archived = await handle.executeUpdate(archiveUpdate, { args: [{ actor: { type: 'agent' } }] });
    expect(archived.state.archived).toBe(true);
    await handle.result();
    expect(await harness.caseRow(kase.caseId)).toMatchObject({ archived: true, important: true, status: 'resolved' });
    expect((await harness.caseRow(kase.caseId)).lifecycle_ended_at).not.toBeNull();
    await harness.recordHistory(kase, 'rejections-and-archive');
  });
});
