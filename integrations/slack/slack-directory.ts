import { ErrorCode, LogLevel, WebClient, type WebAPIPlatformError } from '@slack/web-api';

const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The Slack user with this email in the workspace of `token` (Slack's `users.lookupByEmail`, which
 * needs the `users:read.email` scope), or null when the workspace has nobody with it.
 */
export async function lookupSlackUserIdByEmail(input: {
  token: string;
  email: string;
  slackApiUrl?: string;
}): Promise<string | null> {
  const slack = new WebClient(input.token, {
    slackApiUrl: input.slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    timeout: LOOKUP_TIMEOUT_MS,
  });
  try {
    const found = await slack.users.lookupByEmail({ email: input.email });
    return found.user?.id ?? null;
  } catch (error) {
    const platform = error as Partial<WebAPIPlatformError>;
    if (platform.code === ErrorCode.PlatformError && platform.data?.error === 'users_not_found') return null;
    throw error;
  }
}
