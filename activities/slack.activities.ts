import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { decryptSecret, SecretDecryptionError } from '../db/secrets';
import {
  caseNoticeMessage,
  caseRootSummary,
  newCaseMessage,
  type CaseNotice,
  type CaseSummary,
  type SlackMessage,
} from '../integrations/slack/slack-messages';
import type { CaseNotificationKind } from '../domain/case-notifications';

export interface SlackActivityDeps {
  orm: MikroORM;
  /** Base URL of Slack's Web API ending in `/api/`; a local fake in tests. */
  slackApiUrl: string;
  secretsKey: Buffer;
  publicBaseUrl: string;
}

export type SlackNotificationResult =
  { skipped: 'not_connected' } | { channel: string; ts: string; alreadyDelivered: boolean };

export interface AnnounceCaseInput {
  orgId: string;
  caseId: string;
  notificationKey: 'case_created';
}

export interface NotifyCaseEventInput {
  orgId: string;
  caseId: string;
  /** Unique per event, e.g. `status_changed:<version>`. */
  notificationKey: string;
  kind: CaseNotificationKind;
  /** customer_reply: snippet (default: the case's latest customer message); status_changed: from, to, actorName; needs_attention: reason; window_closing: closesAt. */
  details?: Record<string, string | null | undefined>;
}

/** Refusals that another attempt cannot fix: the token, the workspace or the channel needs a human. */
const PERMANENT_ERRORS = new Set([
  'invalid_auth',
  'account_inactive',
  'channel_not_found',
  'not_in_channel',
  'token_revoked',
  'not_authed',
  'missing_scope',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'invalid_blocks',
  'msg_too_long',
]);
const ANNOUNCE_KEY = 'case_created';
const SLACK_REQUEST_TIMEOUT_MS = 10_000;
const METADATA_EVENT = 'case_notification';

interface CaseContext extends CaseSummary {
  token: string;
  channelId: string;
  rootTs: string | null;
  snippet: string | null;
  latestCustomerMessage: string | null;
}

/**
 * Case notifications in Slack: one root message per case, later events in its thread.
 *
 * Exactly once per (case, notification key): the post is recorded in notification_deliveries after it
 * succeeds. Slack has no idempotency key, so a crash (or a failed insert) between the post and the
 * record would repeat the post on the next attempt. To close that window every post carries its key in
 * message metadata, and a retry attempt first looks for it in the channel (or thread) before posting
 * again. What remains: a retry that runs after more than the last 100 messages of the channel, or when
 * Slack hides metadata from the history call, can still post twice.
 */
export function createSlackActivities(deps: SlackActivityDeps) {
  // The client's own warnings would only repeat the failures this activity throws to Temporal.
  // Its default is no timeout: a Slack that never answers would hold the attempt until Temporal's 30 s timeout and leave the request open.
  const client = (token: string) =>
    new WebClient(token, {
      slackApiUrl: deps.slackApiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
      timeout: SLACK_REQUEST_TIMEOUT_MS,
    });
  const caseUrl = (caseId: string) => `${deps.publicBaseUrl.replace(/\/+$/, '')}/cases/${caseId}`;

  async function announce(
    em: EntityManager,
    ctx: CaseContext,
    input: { orgId: string; caseId: string },
  ): Promise<SlackNotificationResult> {
    if (ctx.rootTs) return { channel: ctx.channelId, ts: ctx.rootTs, alreadyDelivered: true };
    const slack = client(ctx.token);
    const ts =
      (await findPosted(slack, { channel: ctx.channelId, caseId: input.caseId, notificationKey: ANNOUNCE_KEY })) ??
      (await post(slack, {
        channel: ctx.channelId,
        message: newCaseMessage(ctx),
        caseId: input.caseId,
        notificationKey: ANNOUNCE_KEY,
      }));
    await em.transactional(async (tx) => {
      await tx.execute(
        `insert into slack_threads (case_id, org_id, channel_id, root_ts) values (?, ?, ?, ?) on conflict (case_id) do nothing`,
        [input.caseId, input.orgId, ctx.channelId, ts],
      );
      await recordDelivery(tx, { ...input, notificationKey: ANNOUNCE_KEY, ref: ts });
    });
    return { channel: ctx.channelId, ts, alreadyDelivered: false };
  }

  return {
    /** Posts the case's root message to its category's channel, or the connection's default channel. */
    async announceCase(input: AnnounceCaseInput): Promise<SlackNotificationResult> {
      const em = deps.orm.em.fork();
      const ctx = await loadCaseContext(em, { ...input, secretsKey: deps.secretsKey, caseUrl: caseUrl(input.caseId) });
      if (!ctx) return { skipped: 'not_connected' };
      return announce(em, ctx, input);
    },

    /** Posts an event in the case's thread (announcing the case first if needed), then brings the root summary up to date. */
    async notifyCaseEvent(input: NotifyCaseEventInput): Promise<SlackNotificationResult> {
      const em = deps.orm.em.fork();
      const ctx = await loadCaseContext(em, { ...input, secretsKey: deps.secretsKey, caseUrl: caseUrl(input.caseId) });
      if (!ctx) return { skipped: 'not_connected' };
      const root = await announce(em, ctx, input);
      if ('skipped' in root) return root;
      const slack = client(ctx.token);
      const delivered = await findDelivery(em, input);
      let ts = delivered;
      if (ts === null) {
        ts =
          (await findPosted(slack, {
            channel: root.channel,
            threadTs: root.ts,
            caseId: input.caseId,
            notificationKey: input.notificationKey,
          })) ??
          (await post(slack, {
            channel: root.channel,
            threadTs: root.ts,
            message: caseNoticeMessage(toCaseNotice(input, ctx)),
            caseId: input.caseId,
            notificationKey: input.notificationKey,
          }));
        await recordDelivery(em, { ...input, ref: ts });
      }
      // Always rewritten, also when the thread post was already recorded: an earlier attempt may have failed right here.
      const summary = caseRootSummary(ctx);
      await callSlack(() =>
        slack.chat.update({ channel: root.channel, ts: root.ts, text: summary.text, blocks: summary.blocks }),
      );
      return { channel: root.channel, ts, alreadyDelivered: delivered !== null };
    },
  };
}

export type SlackActivities = ReturnType<typeof createSlackActivities>;

async function loadCaseContext(
  em: EntityManager,
  input: { orgId: string; caseId: string; secretsKey: Buffer; caseUrl: string },
): Promise<CaseContext | null> {
  const rows: Array<
    Record<string, string | null> & {
      number: number;
      category_channels: Record<string, string> | null;
      enabled: boolean | null;
    }
  > = await em.execute(
    `select c.number, c.subject, c.status, c.channel, c.category_id, cu.name as customer_name, cat.name as category_name, cat.slack_channel,
            u.name as assignee_name, sc.bot_token_encrypted, sc.default_channel, sc.category_channels, sc.enabled, st.channel_id, st.root_ts,
            (select m.body from messages m where m.case_id = c.id and m.direction = 'inbound' order by m.occurred_at limit 1) as snippet,
            (select m.body from messages m where m.case_id = c.id and m.direction = 'inbound' order by m.occurred_at desc limit 1) as latest_customer_message
     from cases c
     left join slack_connections sc on sc.org_id = c.org_id
     left join customers cu on cu.id = c.customer_id
     left join categories cat on cat.id = c.category_id
     left join users u on u.id = c.assignee_id
     left join slack_threads st on st.case_id = c.id
     where c.id = ? and c.org_id = ?`,
    [input.caseId, input.orgId],
  );
  const row = rows[0];
  if (!row)
    throw ApplicationFailure.nonRetryable(
      `case ${input.caseId} not found in organization ${input.orgId}`,
      'CaseNotFound',
    );
  if (!row.enabled || !row.bot_token_encrypted || !row.default_channel) return null;
  const routed =
    (row.category_id && row.category_channels?.[row.category_id]) || row.slack_channel || row.default_channel;
  return {
    caseId: input.caseId,
    caseNumber: row.number,
    subject: row.subject ?? '',
    customerName: row.customer_name,
    channel: row.channel ?? '',
    categoryName: row.category_name,
    assigneeName: row.assignee_name,
    status: row.status ?? 'open',
    caseUrl: input.caseUrl,
    token: decryptToken(row.bot_token_encrypted, input.secretsKey),
    // Once a thread exists, its events stay there even if the case's category (and so its channel) changed.
    channelId: row.channel_id ?? routed,
    rootTs: row.root_ts,
    snippet: row.snippet,
    latestCustomerMessage: row.latest_customer_message,
  };
}

/** The workflow knows only what changed; the text of a reply comes from the read model. */
function toCaseNotice(input: NotifyCaseEventInput, ctx: CaseContext): CaseNotice {
  const details = input.details ?? {};
  switch (input.kind) {
    case 'customer_reply':
      return {
        kind: 'customer_reply',
        snippet: details.snippet ?? ctx.latestCustomerMessage ?? '',
        customerName: ctx.customerName,
      };
    case 'status_changed':
      return {
        kind: 'status_changed',
        from: details.from ?? 'unknown',
        to: details.to ?? ctx.status,
        actorName: details.actorName,
      };
    case 'needs_attention':
      return { kind: 'needs_attention', reason: details.reason };
    case 'window_closing':
      return { kind: 'window_closing', closesAt: details.closesAt };
  }
}

function decryptToken(ciphertext: string, key: Buffer): string {
  try {
    return decryptSecret({ ciphertext, key });
  } catch (error) {
    if (error instanceof SecretDecryptionError)
      throw ApplicationFailure.nonRetryable(error.message, 'SlackPermanentError');
    throw error;
  }
}

async function findDelivery(
  em: EntityManager,
  input: { caseId: string; notificationKey: string },
): Promise<string | null> {
  const rows: Array<{ provider_ref: string | null }> = await em.execute(
    `select provider_ref from notification_deliveries where case_id = ? and notification_key = ?`,
    [input.caseId, input.notificationKey],
  );
  return rows.length === 0 ? null : (rows[0].provider_ref ?? '');
}

async function recordDelivery(
  em: EntityManager,
  input: { orgId: string; caseId: string; notificationKey: string; ref: string },
): Promise<void> {
  await em.execute(
    `insert into notification_deliveries (org_id, case_id, notification_key, provider_ref) values (?, ?, ?, ?) on conflict (case_id, notification_key) do nothing`,
    [input.orgId, input.caseId, input.notificationKey, input.ref],
  );
}

async function post(
  slack: WebClient,
  input: { channel: string; threadTs?: string; message: SlackMessage; caseId: string; notificationKey: string },
): Promise<string> {
  const result = await callSlack(() =>
    slack.chat.postMessage({
      channel: input.channel,
      thread_ts: input.threadTs,
      text: input.message.text,
      blocks: input.message.blocks,
      unfurl_links: false,
      metadata: {
        event_type: METADATA_EVENT,
        event_payload: { caseId: input.caseId, notificationKey: input.notificationKey },
      },
    }),
  );
  if (!result.ts) throw ApplicationFailure.retryable('Slack accepted the message but returned no ts', 'SlackError');
  return result.ts;
}

/** Only on a retry attempt: the previous attempt may have posted and then failed before recording it. */
async function findPosted(
  slack: WebClient,
  input: { channel: string; threadTs?: string; caseId: string; notificationKey: string },
): Promise<string | null> {
  const attempt = asyncLocalStorage.getStore()?.info.attempt ?? 1;
  if (attempt <= 1) return null;
  const page = await callSlack(() =>
    input.threadTs
      ? slack.conversations.replies({
          channel: input.channel,
          ts: input.threadTs,
          include_all_metadata: true,
          limit: 100,
        })
      : slack.conversations.history({ channel: input.channel, include_all_metadata: true, limit: 100 }),
  );
  const match = (page.messages ?? []).find((message) => {
    const metadata = message.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
    return (
      metadata?.event_type === METADATA_EVENT &&
      metadata.event_payload?.caseId === input.caseId &&
      metadata.event_payload?.notificationKey === input.notificationKey
    );
  });
  return match?.ts ?? null;
}

/** Client retries are off: Temporal's retry policy backs off instead, waiting at least as long as Slack's Retry-After. */
async function callSlack<Result>(call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    throw toFailure(error);
  }
}

function toFailure(error: unknown): unknown {
  const coded = error as {
    code?: string;
    retryAfter?: number;
    data?: { error?: string };
    statusCode?: number;
    message?: string;
  };
  if (coded?.code === ErrorCode.RateLimitedError) {
    return ApplicationFailure.create({
      message: `Slack rate limited; retry after ${coded.retryAfter}s`,
      type: 'SlackRateLimited',
      nextRetryDelay: (coded.retryAfter ?? 1) * 1000,
    });
  }
  if (coded?.code === ErrorCode.PlatformError) {
    const slackError = coded.data?.error ?? 'unknown_error';
    if (PERMANENT_ERRORS.has(slackError))
      return ApplicationFailure.nonRetryable(
        `Slack refused the call: ${slackError}`,
        'SlackPermanentError',
        slackError,
      );
    return ApplicationFailure.retryable(`Slack error: ${slackError}`, 'SlackError', slackError);
  }
  if (coded?.code === ErrorCode.HTTPError || coded?.code === ErrorCode.RequestError) {
    return ApplicationFailure.retryable(`Slack request failed: ${coded.message ?? 'unknown'}`, 'SlackError');
  }
  return error;
}
