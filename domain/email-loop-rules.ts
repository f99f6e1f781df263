/**
 * RFC 3834 and common practice: mail written by a machine must neither open a case nor get an
 * automatic answer, or two autoresponders can mail each other forever.
 */
export type EmailHeaders = Readonly<Record<string, string>>;

export interface LoopVerdict {
  automated: boolean;
  reason?: string;
}

const AUTOMATED_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);
const ROBOT_LOCAL_PARTS = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)$/;

/** `headers` has lower-cased names; `ownAddresses` are the organization's support addresses. */
export function isAutomatedEmail(headers: EmailHeaders, from: string, ownAddresses: readonly string[]): LoopVerdict {
  const header = (name: string): string | undefined => headers[name]?.trim();

  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.toLowerCase() !== 'no')
    return { automated: true, reason: `auto-submitted: ${autoSubmitted}` };
  if (/^<\s*>$/.test(header('return-path') ?? '')) return { automated: true, reason: 'empty return path' };
  const precedence = header('precedence')?.toLowerCase();
  if (precedence && AUTOMATED_PRECEDENCE.has(precedence))
    return { automated: true, reason: `precedence: ${precedence}` };
  if (header('list-id') !== undefined || header('list-unsubscribe') !== undefined)
    return { automated: true, reason: 'mailing list' };
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined)
    return { automated: true, reason: 'autoresponder header' };
  if (isDeliveryReport(header('content-type'))) return { automated: true, reason: 'delivery report' };

  const sender = canonicalAddress(from);
  if (ROBOT_LOCAL_PARTS.test(sender.split('@')[0] ?? '')) return { automated: true, reason: `robot sender ${sender}` };
  if (ownAddresses.some((own) => canonicalAddress(own) === sender))
    return { automated: true, reason: 'sent by our own address' };
  return { automated: false };
}

function isDeliveryReport(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const normalized = contentType.toLowerCase();
  return normalized.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status"?/.test(normalized);
}

/** Lower-cased, without a `+tag`: support+abc@x and support@x are the same mailbox. */
export function canonicalAddress(address: string): string {
  const [local = '', domain = ''] = address.trim().toLowerCase().split('@');
  return `${local.split('+')[0]}@${domain}`;
}
