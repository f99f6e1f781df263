/** Where Slack's response_urls point. */
const SLACK_HOOKS_ORIGIN = 'https://hooks.slack.com';
const POST_TIMEOUT_MS = 10_000;

/**
 * A payload's response_url, if it is Slack's: only https://hooks.slack.com, or the origin of the
 * configured Slack API (a local fake in tests). Anything else would let a signed payload make us
 * post wherever it names.
 */
export function checkResponseUrl(input: { url: unknown; slackApiUrl?: string }): URL | null {
  if (typeof input.url !== 'string') return null;
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    return null;
  }
  const allowed = [SLACK_HOOKS_ORIGIN, ...(input.slackApiUrl ? [new URL(input.slackApiUrl).origin] : [])];
  return allowed.includes(parsed.origin) && !parsed.username && !parsed.password ? parsed : null;
}

/** Shows the clicking user an ephemeral message through the click's response_url. */
export async function postEphemeralResponse(input: { url: URL; text: string }): Promise<void> {
  const response = await fetch(input.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: input.text }),
    redirect: 'error',
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`Slack answered ${response.status} to a response_url post`);
}
