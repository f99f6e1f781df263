import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { PermanentSendError, RetryableSendError } from '../send-errors';

export interface EmailReply {
  /** nodemailer SMTP options or an `smtp://` URL. */
  transport: SMTPTransport.Options | string;
  /** The organization's support address. */
  from: string;
  to: string;
  /** Already in reply form; see `replySubject`. */
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
  /** `support+TOKEN@domain`: the customer's answer finds its thread even when References is lost. */
  replyTo: string;
  /** Pass one generated (and stored) before sending so a retried send keeps its id; else a fresh one. */
  messageId?: string;
  /** The SMTP envelope sender, where bounces go; the support address when absent. */
  bounceAddress?: string;
}

/**
 * One human reply by SMTP. No `Auto-Submitted` header: a person wrote it, so the customer's
 * autoresponder may answer. SMTP 5xx is permanent; 4xx and connection failures are retried.
 */
export async function sendEmailReply(input: EmailReply): Promise<{ messageId: string }> {
  const messageId = input.messageId ?? newMessageId(input.from);
  const transporter = nodemailer.createTransport(input.transport);
  try {
    await transporter.sendMail({
      from: input.from,
      to: input.to,
      replyTo: input.replyTo,
      subject: input.subject,
      text: input.text,
      messageId,
      inReplyTo: input.inReplyTo ?? undefined,
      references: input.references.length > 0 ? input.references : undefined,
      envelope: { from: input.bounceAddress ?? input.from, to: input.to },
    });
    return { messageId };
  } catch (error) {
    throw classifySmtpError(error);
  } finally {
    transporter.close();
  }
}

/** `Re: <subject> [#<number>]`, without piling up `Re:` prefixes or tags on a long exchange. */
export function replySubject(input: { subject: string; caseNumber: number }): string {
  const tag = `[#${input.caseNumber}]`;
  const base = input.subject
    .replace(/^\s*((re|aw|sv|fw|fwd)\s*:\s*)+/i, '')
    .replace(tag, '')
    .trim();
  return `Re: ${base} ${tag}`.replace(/\s+/g, ' ');
}

export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.split('@')[1]?.replace(/>.*$/, '').trim() || 'localhost';
  return `<${randomUUID()}@${domain}>`;
}

function classifySmtpError(error: unknown): Error {
  const smtp = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const detail = smtp.response ?? smtp.message ?? String(error);
  if (typeof smtp.responseCode === 'number' && smtp.responseCode >= 500 && smtp.responseCode < 600) {
    return new PermanentSendError(
      `smtp-${smtp.responseCode}`,
      `The mail server refused the message: ${detail}`,
      smtp.responseCode,
    );
  }
  return new RetryableSendError(
    `The message could not be delivered yet: ${detail}`,
    undefined,
    smtp.responseCode ?? smtp.code,
  );
}
