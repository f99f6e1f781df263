import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSlackActivities, type SlackActivities } from '../../activities/slack.activities';
import type { Orm } from '../../db/orm';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { connectTestOrm } from '../support/connections';
import { createTestCase, createTestUser, storeCustomerMessage } from '../support/factories';
import { connectTestSlack, createTestOrganization } from '../support/organization-fixture';
import { createTestCategory } from '../support/inbox-factories';

const SECRETS_KEY = Buffer.alloc(32, 23);
const BOT_TOKEN = 'xoxb-test-token';

let orm: Orm;
let slack: FakeSlackApi;
let activities: SlackActivities;

beforeAll(async () => {
  orm = await connectTestOrm();
  slack = await FakeSlackApi.start();
  activities = createSlackActivities({
    orm,
    slackApiUrl: slack.url,
    secretsKey: SECRETS_KEY,
    publicBaseUrl: 'https://support.example.test',
  });
});
afterAll(async () => {
  await slack.stop();
  await orm.close(true);
});
beforeEach(() => slack.reset());

async function connectedCase(
  options: { categoryChannels?: (categoryId: string) => Record<string, string>; connected?: boolean } = {},
) {
  const em = orm.em.fork();
  const org = await createTestOrganization(em);
  const categoryId = await createTestCategory(em, { orgId: org.id, name: 'Billing' });
  if (options.connected !== false) {
    await connectTestSlack(em, {
      orgId: org.id,
      botToken: BOT_TOKEN,
      defaultChannel: 'C-DEFAULT',
      categoryChannels: options.categoryChannels?.(categoryId),
      secretsKey: SECRETS_KEY,
    });
  }
  const kase = await createTestCase(orm, {
    orgId: org.id,
    channel: 'email',
    openedAt: new Date(),
    subject: '<!channel> refund please',
  });
  return { orgId: org.id, caseId: kase.caseId, categoryId };
}

const announce = (kase: { orgId: string; caseId: string }) =>
  activities.announceCase({ ...kase, notificationKey: 'case_created' });

async function expectFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('announceCase', () => {
  it('posts the root message once, even when called twice', async () => {
    const kase = await connectedCase();
    const first = await announce(kase);
    const second = await announce(kase);
    expect(slack.succeeded('chat.postMessage')).toHaveLength(1);
    expect(second).toEqual({ ...first, alreadyDelivered: true });
    const [call] = slack.succeeded('chat.postMessage');
    expect(call.token).toBe(BOT_TOKEN);
    expect(call.args.channel).toBe('C-DEFAULT');
    expect(call.args.text).not.toContain('<!channel>');
    const threads = await orm.em
      .fork()
      .execute(`select channel_id, root_ts from slack_threads where case_id = ?`, [kase.caseId]);
    expect(threads).toEqual([{ channel_id: 'C-DEFAULT', root_ts: (first as { ts: string }).ts }]);
  });

  it('posts exactly once after two rate-limited attempts, honouring Retry-After', async () => {
    const kase = await connectedCase();
    slack.failNext('chat.postMessage', { kind: 'rate_limited', retryAfter: 1 }, 2);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const failure = await expectFailure(announce(kase));
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBe(1000);
    }
    await announce(kase);
    expect(slack.succeeded('chat.postMessage')).toHaveLength(1);
    expect(slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(3);
  });

  it('routes to the category channel', async () => {
    const kase = await connectedCase({ categoryChannels: (categoryId) => ({ [categoryId]: 'C-BILLING' }) });
    await orm.em.fork().execute(`update cases set category_id = ? where id = ?`, [kase.categoryId, kase.caseId]);
    await announce(kase);
    expect(slack.succeeded('chat.postMessage').map((call) => call.args.channel)).toEqual(['C-BILLING']);
  });

  it('skips an organization without an enabled Slack connection', async () => {
    const kase = await connectedCase({ connected: false });
    await expect(announce(kase)).resolves.toEqual({ skipped: 'not_connected' });
    expect(slack.calls).toHaveLength(0);
  });

  it('makes channel_not_found non-retryable', async () => {
    const kase = await connectedCase();
    slack.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    const failure = await expectFailure(announce(kase));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('SlackPermanentError');
  });

  it('on a retry attempt finds a post an earlier attempt made but did not record', async () => {
    const kase = await connectedCase();
    const first = await announce(kase);
    // As if the insert after the post had been lost.
    await orm.em.fork().execute(`delete from slack_threads where case_id = ?`, [kase.caseId]);
    await orm.em.fork().execute(`delete from notification_deliveries where case_id = ?`, [kase.caseId]);
    const retried = await new MockActivityEnvironment({ attempt: 2 }).run(activities.announceCase, {
      ...kase,
      notificationKey: 'case_created' as const,
    });
    expect(retried).toEqual({ ...first });
    expect(slack.succeeded('chat.postMessage')).toHaveLength(1);
    expect(slack.succeeded('conversations.history')).toHaveLength(1);
  });
});

describe('notifyCaseEvent', () => {
  it('replies in the thread and brings the root summary up to date, once per key', async () => {
    const kase = await connectedCase();
    const root = (await announce(kase)) as { channel: string; ts: string };
    const agentId = await createTestUser(orm.em.fork(), { orgId: kase.orgId, name: 'Grace Agent' });
    await orm.em
      .fork()
      .execute(
        `update cases set status = 'resolved', resolution = 'manual', resolved_at = now(), assignee_id = ? where id = ?`,
        [agentId, kase.caseId],
      );
    const input = {
      ...kase,
      notificationKey: 'status:3',
      kind: 'status_changed' as const,
      details: { from: 'open', to: 'resolved' },
    };
    await activities.notifyCaseEvent(input);
    await activities.notifyCaseEvent(input);

    const replies = slack.succeeded('chat.postMessage').slice(1);
    expect(replies).toHaveLength(1);
    expect(replies[0].args).toMatchObject({ channel: root.channel, thread_ts: root.ts });
    expect(replies[0].args.text).toContain('to *Resolved*');
    const updates = slack.succeeded('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates[0].args).toMatchObject({ channel: root.channel, ts: root.ts });
    expect(updates[0].args.text).toContain('Resolved');
    expect(updates[0].args.text).toContain('Grace Agent');
  });

  it('announces the case first when it has no root yet, quoting the latest customer message', async () => {
    const kase = await connectedCase();
    const kaseRow = { caseId: kase.caseId } as Parameters<typeof storeCustomerMessage>[1]['kase'];
    await storeCustomerMessage(orm, { kase: kaseRow, at: new Date(Date.now() - 60_000), body: 'first' });
    await storeCustomerMessage(orm, { kase: kaseRow, at: new Date(), body: 'any news? <!here>' });
    await activities.notifyCaseEvent({
      ...kase,
      notificationKey: 'customer_reply:4',
      kind: 'customer_reply',
      details: {},
    });
    const posts = slack.succeeded('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts[0].args.thread_ts).toBeUndefined();
    expect(posts[1].args.thread_ts).toBe(slack.messages[0].ts);
    expect(posts[1].args.text).toContain('any news? &lt;!here&gt;');
  });

  it('retries only the root update when the thread post already went out', async () => {
    const kase = await connectedCase();
    slack.failNext('chat.update', { kind: 'rate_limited', retryAfter: 2 });
    const input = { ...kase, notificationKey: 'attention:5', kind: 'needs_attention' as const, details: {} };
    const failure = await expectFailure(activities.notifyCaseEvent(input));
    expect(failure.nextRetryDelay).toBe(2000);
    await expect(activities.notifyCaseEvent(input)).resolves.toMatchObject({ alreadyDelivered: true });
    expect(slack.succeeded('chat.postMessage')).toHaveLength(2);
    expect(slack.succeeded('chat.update')).toHaveLength(1);
  });
});
