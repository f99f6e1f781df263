import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { LogLevel, WebClient } from '@slack/web-api';
import { findNotificationDelivery, recordNotificationDelivery } from '../db/deliveries/notification-deliveries';
import { recordSlackThread } from '../db/slack/slack-case-notice';
import {
  caseNoticeMessage,
  caseRootSummary,
  newCaseMessage,
  type CaseNotice,
} from '../integrations/slack/slack-messages';
import type { CaseNotificationKind } from '../domain/case-notifications';
import { loadCaseContext, type CaseContext } from './slack/slack-case-context';
import { callSlack, findPostedNotification, postNotification } from './slack/slack-web-api';

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

const ANNOUNCE_KEY = 'case_created';
const SLACK_REQUEST_TIMEOUT_MS = 10_000;

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
      (await findPostedNotification(slack, {
        channel: ctx.channelId,
        caseId: input.caseId,
        notificationKey: ANNOUNCE_KEY,
      })) ??
      (await postNotification(slack, {
        channel: ctx.channelId,
        message: newCaseMessage(ctx),
        caseId: input.caseId,
        notificationKey: ANNOUNCE_KEY,
      }));
    await em.transactional(async (tx) => {
      await recordSlackThread(tx, { orgId: input.orgId, caseId: input.caseId, channelId: ctx.channelId, rootTs: ts });
      await recordNotificationDelivery(tx, { ...input, notificationKey: ANNOUNCE_KEY, ref: ts });
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
      const delivered = await findNotificationDelivery(em, input);
      let ts = delivered;
      if (ts === null) {
        ts =
          (await findPostedNotification(slack, {
            channel: root.channel,
            threadTs: root.ts,
            caseId: input.caseId,
            notificationKey: input.notificationKey,
          })) ??
          (await postNotification(slack, {
            channel: root.channel,
            threadTs: root.ts,
            message: caseNoticeMessage(toCaseNotice(input, ctx)),
            caseId: input.caseId,
            notificationKey: input.notificationKey,
          }));
        await recordNotificationDelivery(em, { ...input, ref: ts });
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
