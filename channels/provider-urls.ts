/**
 * Links that arrive in webhooks (Meta attachments, Twilio recordings) are kept as links only when they
 * point, over https, at the provider's own hosts: a client that opens or fetches one then never reaches
 * an address a sender chose (SSRF, phishing). Anything else is kept as plain text, never as a link.
 */
const PROVIDER_HOSTS = {
  meta: { exact: ['lookaside.fbsbx.com'], suffixes: ['.fbcdn.net', '.fbsbx.com', '.cdninstagram.com'] },
  twilio: { exact: ['api.twilio.com'], suffixes: [] },
} as const;

export type LinkProvider = keyof typeof PROVIDER_HOSTS;

export function isProviderUrl(input: { provider: LinkProvider; url: string }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.port !== '')
    return false;
  const host = parsed.hostname.toLowerCase();
  const hosts = PROVIDER_HOSTS[input.provider];
  return (
    (hosts.exact as readonly string[]).includes(host) ||
    (hosts.suffixes as readonly string[]).some((suffix) => host.endsWith(suffix))
  );
}
