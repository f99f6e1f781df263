import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { EmailHeaders } from '../../domain/email-loop-rules';

export interface EmailAddress {
  address: string;
  name: string | null;
}

/** One shape for every way an email reaches us: a raw RFC 5322 message or a provider's JSON. */
export interface ParsedEmail {
  /** `<id@host>` as in the header, or null when the sender set none. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  text: string;
  html: string | null;
  /** The new part of a reply: quoted history removed. `text` keeps the whole. */
  strippedText: string;
  date: Date | null;
  /** Lower-cased names, unfolded values: what loop detection reads. */
  headers: EmailHeaders;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
}

export class EmailPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailPayloadError';
  }
}

export async function parseRawEmail(raw: Buffer): Promise<ParsedEmail> {
  if (raw.length === 0) throw new EmailPayloadError('The message is empty.');
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true });
  } catch (error) {
    throw new EmailPayloadError(`The message is not valid MIME: ${(error as Error).message}`);
  }
  const from = senderOf(addressesOf(mail.from));
  if (!from) throw new EmailPayloadError('The message has no valid From address.');
  const text = mail.text ?? '';
  return {
    messageId: normalizeMessageId(mail.messageId),
    inReplyTo: normalizeMessageId(mail.inReplyTo),
    references: splitMessageIds(mail.references),
    from,
    to: addressesOf(mail.to),
    cc: addressesOf(mail.cc),
    subject: mail.subject ?? '',
    text,
    html: typeof mail.html === 'string' ? mail.html : null,
    strippedText: stripQuotedHistory(text),
    date: validDate(mail.date),
    headers: headersOf(mail.headerLines),
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename ?? null,
      contentType: attachment.contentType,
      size: attachment.size,
    })),
  };
}

interface PostmarkAddress {
  Email?: string;
  Name?: string;
}
interface PostmarkInbound {
  FromFull?: PostmarkAddress;
  ToFull?: PostmarkAddress[];
  CcFull?: PostmarkAddress[];
  Subject?: string;
  Date?: string;
  Headers?: Array<{ Name?: string; Value?: string }>;
  TextBody?: string;
  HtmlBody?: string;
  StrippedTextReply?: string;
  Attachments?: Array<{ Name?: string; ContentType?: string; ContentLength?: number }>;
}

/** Postmark's inbound JSON. Its `MessageID` is Postmark's own; the RFC ids are in `Headers`. */
export function parsePostmarkInbound(payload: unknown): ParsedEmail {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new EmailPayloadError('The Postmark payload is not an object.');
  const inbound = payload as PostmarkInbound;
  const from = senderOf(postmarkAddresses(inbound.FromFull ? [inbound.FromFull] : []));
  if (!from) throw new EmailPayloadError('The Postmark payload has no valid FromFull.Email.');
  const headers: Record<string, string> = {};
  for (const header of Array.isArray(inbound.Headers) ? inbound.Headers : []) {
    if (typeof header?.Name === 'string' && typeof header.Value === 'string')
      headers[header.Name.toLowerCase()] = header.Value;
  }
  const text = typeof inbound.TextBody === 'string' ? inbound.TextBody : '';
  const stripped =
    typeof inbound.StrippedTextReply === 'string' && inbound.StrippedTextReply.trim()
      ? inbound.StrippedTextReply
      : stripQuotedHistory(text);
  return {
    messageId: normalizeMessageId(headers['message-id']),
    inReplyTo: normalizeMessageId(headers['in-reply-to']),
    references: splitMessageIds(headers['references']),
    from,
    to: postmarkAddresses(inbound.ToFull),
    cc: postmarkAddresses(inbound.CcFull),
    subject: typeof inbound.Subject === 'string' ? inbound.Subject : '',
    text,
    html: typeof inbound.HtmlBody === 'string' && inbound.HtmlBody ? inbound.HtmlBody : null,
    strippedText: stripped,
    date: validDate(inbound.Date ? new Date(inbound.Date) : undefined),
    headers,
    // The JSON is the sender's: every field is checked for its type before it is used.
    attachments: (Array.isArray(inbound.Attachments) ? inbound.Attachments : [])
      .filter((attachment) => typeof attachment === 'object' && attachment !== null)
      .map((attachment) => ({
        filename: typeof attachment.Name === 'string' ? attachment.Name : null,
        contentType: typeof attachment.ContentType === 'string' ? attachment.ContentType : 'application/octet-stream',
        size: Number.isFinite(Number(attachment.ContentLength)) ? Number(attachment.ContentLength) : 0,
      })),
  };
}

const QUOTE_HEADER = /^\s*On\s.+wrote:\s*$/;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i;

/** Drops `>` quotes and everything from an "On … wrote:" or "-----Original Message-----" line on. */
export function stripQuotedHistory(text: string): string {
  const kept: string[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (ORIGINAL_MESSAGE.test(line) || QUOTE_HEADER.test(line)) break;
    // Gmail wraps a long attribution: "On Tue, … Ada <ada@" / "example.com> wrote:".
    if (
      /^\s*On\s/.test(line) &&
      index + 1 < lines.length &&
      /wrote:\s*$/.test(lines[index + 1]) &&
      !/^\s*>/.test(lines[index + 1])
    )
      break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flat = objects.flatMap((object) => object.value.flatMap((entry) => entry.group ?? [entry]));
  return flat
    .filter((entry) => typeof entry.address === 'string' && isAddress(entry.address))
    .map((entry) => ({ address: entry.address as string, name: entry.name || null }));
}

function postmarkAddresses(entries: PostmarkAddress[] | undefined): EmailAddress[] {
  return (Array.isArray(entries) ? entries : [])
    .filter((entry) => typeof entry?.Email === 'string' && isAddress(entry.Email))
    .map((entry) => ({
      address: entry.Email as string,
      name: typeof entry.Name === 'string' && entry.Name ? entry.Name : null,
    }));
}

/** The sender is the customer's identity, so lower-cased; recipients keep their case, as reply tokens are case-sensitive. */
function senderOf(addresses: EmailAddress[]): EmailAddress | undefined {
  return addresses[0] && { ...addresses[0], address: addresses[0].address.toLowerCase() };
}

function isAddress(value: string): boolean {
  return /^[^\s@<>]+@[^\s@<>]+$/.test(value);
}

function normalizeMessageId(value: string | undefined | null): string | null {
  const id = value?.trim().match(/<[^<>\s]+>|[^<>\s]+@[^<>\s]+/)?.[0];
  if (!id) return null;
  return id.startsWith('<') ? id : `<${id}>`;
}

function splitMessageIds(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return joined.match(/<[^<>\s]+>/g) ?? [];
}

function validDate(date: Date | undefined): Date | null {
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

function headersOf(lines: ParsedMail['headerLines']): EmailHeaders {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    // The first occurrence wins: it is the one the last hop added (Return-Path) or the author set.
    if (!(key in headers)) headers[key] = value;
  }
  return headers;
}
