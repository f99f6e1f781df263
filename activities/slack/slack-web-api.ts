import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../integrations/slack/slack-messages';

/**
 * The Slack Web API calls of the case notifications, each failure classified for Temporal: a
 * rate limit waits Slack's Retry-After, a refusal that needs a human is not retried.
 */

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
const METADATA_EVENT = 'case_notification';

/** Posts with the notification key in the message metadata, where a retry attempt can look for it. */
export async function postNotification(
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
export async function findPostedNotification(
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
export async function callSlack<Result>(call: () => Promise<Result>): Promise<Result> {
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
