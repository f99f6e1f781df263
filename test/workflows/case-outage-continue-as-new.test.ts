import { randomUUID } from 'node:crypto';
import { createEmailSender } from '../../channels/email/email.sender';
import { recordReplyUpdate } from '../../workflows/case.contract';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { startSmtp } from '../fakes/fake-smtp-server';
import { createTestUser, storeAgentReply } from '../support/factories';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from './case-harness';
import { reportFigures } from '../resilience/support/figures';
import { eventually } from '../support/eventually';

jest.setTimeout(900_000);

const MESSAGES = 3_000;
const REPLY_EVERY = 500;
const HISTORY_WARNING_LIMIT = 10_240;
const SLACK_METHODS = ['chat.postMessage', 'chat.update', 'conversations.history', 'conversations.replies'];

/**
 * Slack down for the whole conversation: notifications still being retried travel into the next run
 * with their keys, so the case keeps continuing as new, and once Slack is back each arrives once.
 */
describe('a busy case during a Slack outage (time-skipping server, real Postgres and SMTP)', () => {
  let slack: FakeSlackApi;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let harness: CaseHarness;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    smtp = await startSmtp();
    harness = await CaseHarness.start('case-outage-can', {
      slackApiUrl: slack.url,
      senders: { email: createEmailSender() },
    });
  });
  afterAll(async () => {
    await harness.stop();
    await slack.stop();
    await smtp.close();
  });

  const postedKeys = () =>
    slack.succeeded('chat.postMessage').map((call) => {
      const metadata = (
        typeof call.args.metadata === 'string' ? JSON.parse(call.args.metadata) : call.args.metadata
      ) as { event_payload?: { notificationKey?: string } };
      return String(metadata?.event_payload?.notificationKey);
    });

  it(`keeps every run under ${HISTORY_WARNING_LIMIT} events through ${MESSAGES} messages, then delivers each notification once`, async () => {
    for (const method of SLACK_METHODS) slack.failNext(method, { kind: 'http_error', status: 500 }, 1_000_000);
    const em = harness.orm.em.fork();
    const supportEmail = `support-${randomUUID().slice(0, 8)}@velacam.example`;
    const org = await createTestOrganization(em, {
      supportEmail,
      slack: { botToken: 'xoxb-test', defaultChannel: 'C-OUTAGE' },
      channels: [
        { channel: 'email', externalId: supportEmail, credentials: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` } },
      ],
    });
    const userId = await createTestUser(em, { orgId: org.id });
    const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
    const handle = harness.handle(kase);

    const start = await harness.now();
    const replies: string[] = [];
    for (let index = 1; index < MESSAGES; index += 1) {
      await harness.deliver(kase, { messageId: randomUUID(), at: start + index * 1000 });
      if (index % REPLY_EVERY === 0) {
        const replyId = await storeAgentReply(harness.orm, { kase, at: new Date(await harness.now()) });
        await handle.executeUpdate(recordReplyUpdate, {
          args: [{ messageId: replyId, authoredBy: 'human', actor: { type: 'agent', userId } }],
        });
        replies.push(replyId);
      }
    }
    const lastAt = start + (MESSAGES - 1) * 1000;
    // Deadlines far above what a busy machine needs; each wait ends as soon as its event happens.
    let deadline = Date.now() + 300_000;
    // Watched in the read model, not by querying the workflow: on the time-skipping server a query that meets
    // the run continuing as new can go unanswered for minutes and keep holding the server's clock.
    const caseRow = await eventually(
      () => harness.caseRow(kase.caseId),
      (row) => row.last_customer_message_at === lastAt,
      300_000,
    );
    expect(caseRow.last_customer_message_at).toBe(lastAt);
    expect(postedKeys()).toEqual([]);

    // Runs continued while Slack was failing: nothing was held back waiting for it.
    let runs = await harness.runHistories(kase.workflowId);
    while (runs.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      runs = await harness.runHistories(kase.workflowId);
    }
    expect(runs.length).toBeGreaterThan(1);
    for (const run of runs) expect(run.events).toBeLessThan(HISTORY_WARNING_LIMIT);

    const slackCallsRefused = slack.calls.length;
    slack.reset();
    deadline = Date.now() + 300_000;
    const statusChanges: Array<{ version: string }> = await harness.orm.em
      .fork()
      .execute(`select version from case_events where case_id = ? and changes->'status' is not null order by version`, [
        kase.caseId,
      ]);
    const expected = ['case_created', ...statusChanges.map((entry) => `status_changed:${entry.version}`)];
    const delivered = () =>
      expected.every((key) => postedKeys().includes(key)) &&
      postedKeys().some((key) => key.startsWith('customer_reply:'));
    while (!delivered() && Date.now() < deadline) {
      await harness.env.sleep(15 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(expected.filter((key) => !postedKeys().includes(key))).toEqual([]);
    expect(postedKeys().some((key) => key.startsWith('customer_reply:'))).toBe(true);
    expect(postedKeys().length).toBe(new Set(postedKeys()).size);

    // Each reply went out once, whatever the runs it crossed.
    const sent = smtp.received.filter(
      (mail) => mail.mail.to && JSON.stringify(mail.mail.to).includes('@customer.test'),
    );
    expect(sent.length).toBe(replies.length);
    const failures: unknown[] = await harness.orm.em
      .fork()
      .execute(`select 1 from case_events where case_id = ? and type in ('notification_failed', 'reply_failed')`, [
        kase.caseId,
      ]);
    expect(failures).toEqual([]);
    reportFigures('slack-outage-continue-as-new', {
      messages: MESSAGES,
      replies: replies.length,
      runs: runs.length,
      longestRunEvents: Math.max(...runs.map((run) => run.events)),
      slackCallsRefusedDuringOutage: slackCallsRefused,
      notificationsDelivered: postedKeys().length,
      duplicateNotifications: postedKeys().length - new Set(postedKeys()).size,
      repliesSent: sent.length,
    });
    await harness.recordHistory(kase, 'continued-during-slack-outage');
  });

  it('shows a reply the provider refuses for good on the message and on the case timeline', async () => {
    const refusing = await startSmtp({ code: 550, message: 'mailbox unavailable' });
    try {
      const em = harness.orm.em.fork();
      const supportEmail = `support-${randomUUID().slice(0, 8)}@velacam.example`;
      const org = await createTestOrganization(em, {
        supportEmail,
        channels: [
          { channel: 'email', externalId: supportEmail, credentials: { smtpUrl: `smtp://127.0.0.1:${refusing.port}` } },
        ],
      });
      const userId = await createTestUser(em, { orgId: org.id });
      const kase = await harness.openCase({ orgId: org.id, channel: 'email' });
      const replyId = await storeAgentReply(harness.orm, { kase, at: new Date(await harness.now()) });
      await harness.handle(kase).executeUpdate(recordReplyUpdate, {
        args: [{ messageId: replyId, authoredBy: 'human', actor: { type: 'agent', userId } }],
      });
      const deadline = Date.now() + 60_000;
      let entries: Array<{ detail: string }> = [];
      while (entries.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        entries = await harness.orm.em
          .fork()
          .execute(`select detail from case_events where case_id = ? and type = 'reply_failed'`, [kase.caseId]);
      }
      expect(entries[0]?.detail).toMatch(/^reply not delivered: /);
      const rows: Array<{ delivery_status: string }> = await harness.orm.em
        .fork()
        .execute(`select delivery_status from messages where id = ?`, [replyId]);
      expect(rows[0].delivery_status).toBe('failed');
      await harness.recordHistory(kase, 'reply-refused');
    } finally {
      await refusing.close();
    }
  });
});
