import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { toStorableText } from '../../app/ingest/storable-text';
import {
  EmailPayloadError,
  parsePostmarkInbound,
  parseRawEmail,
  type ParsedEmail,
} from '../../channels/email/email-parse';
import { findEmailThread } from '../../channels/email/email-threading';
import type { InboundMessage } from '../../db/cases/record-inbound-message';
import { recordWebhookDelivery } from '../../db/deliveries/webhook-deliveries';
import { findEmailWebhookOrganization } from '../../db/organizations/email-webhook-organization';
import { decryptSecret } from '../../db/secrets';
import { isAutomatedEmail } from '../../domain/email-loop-rules';
import { problems } from '../http/problem';
import type { WebhookDeps } from './webhook-deps';

interface EmailOrganization {
  id: string;
  supportEmail: string | null;
}

/**
 * Inbound email, raw MIME (`message/rfc822`) or Postmark's JSON, one URL per organization behind
 * basic auth: Postmark signs nothing, so the webhook secret rides in the URL's credentials.
 */
export function addEmailWebhookRoutes(router: Router, deps: WebhookDeps): void {
  router.post(
    '/webhooks/email/:orgSlug',
    authenticate(deps),
    requireEmailMediaType,
    express.raw({ type: () => true, limit: '10mb' }),
    async (req: Request, res: Response) => {
      const organization = res.locals.emailOrganization as EmailOrganization;
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const email = toStorableText(await parseBody(raw, req.is('application/json') ? 'postmark' : 'rfc822'));
      const providerMessageId = email.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;

      const ownAddresses = organization.supportEmail ? [organization.supportEmail] : [];
      const loop = isAutomatedEmail(email.headers, email.from.address, ownAddresses);
      if (loop.automated) {
        await recordWebhookDelivery(deps.orm.em.fork(), {
          orgId: organization.id,
          provider: 'email',
          deliveryKey: providerMessageId,
        });
        res.status(200).json({ ignored: true, reason: loop.reason });
        return;
      }

      const threadId = await findEmailThread(deps.orm.em.fork(), {
        orgId: organization.id,
        customerEmail: email.from.address,
        ids: [...email.references, ...(email.inReplyTo ? [email.inReplyTo] : [])],
        recipients: [...email.to, ...email.cc].map((recipient) => recipient.address),
        subject: email.subject,
      });
      const recorded = await ingestCustomerMessage({
        orm: deps.orm,
        temporal: deps.temporal,
        message: toInboundMessage({ orgId: organization.id, email, threadId, providerMessageId }),
      });
      res.status(200).json({ caseId: recorded.caseId, caseNumber: recorded.caseNumber, duplicate: recorded.duplicate });
    },
  );
}

function toInboundMessage(input: {
  orgId: string;
  email: ParsedEmail;
  threadId: string | null;
  providerMessageId: string;
}): InboundMessage {
  const { email } = input;
  const body = email.strippedText || email.text;
  return {
    orgId: input.orgId,
    channel: 'email',
    sender: { externalId: email.from.address, name: email.from.name, email: email.from.address },
    threadRef: null,
    threadId: input.threadId,
    subject: email.subject.trim() || '(no subject)',
    body,
    originalBody: email.text,
    providerMessageId: input.providerMessageId,
    rfcMessageId: email.messageId,
    metadata: {
      inReplyTo: email.inReplyTo,
      references: email.references,
      to: email.to.map((entry) => entry.address),
      cc: email.cc.map((entry) => entry.address),
    },
    // A sender's clock can be far off; a date in the future would sort the message above later replies.
    occurredAt: email.date && email.date.getTime() <= Date.now() ? email.date : new Date(),
    attachments: email.attachments.map((attachment) => ({
      kind: attachmentKind(attachment.contentType),
      url: null,
      name: attachment.filename,
      contentType: attachment.contentType,
    })),
  };
}

async function parseBody(raw: Buffer, format: 'postmark' | 'rfc822'): Promise<ParsedEmail> {
  try {
    if (format === 'rfc822') return await parseRawEmail(raw);
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new EmailPayloadError('The body is not valid JSON.');
    }
    return parsePostmarkInbound(payload);
  } catch (error) {
    if (error instanceof EmailPayloadError) throw problems.malformedBody(error.message);
    throw error;
  }
}

function attachmentKind(contentType: string): 'image' | 'audio' | 'video' | 'file' {
  const top = contentType.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'file';
}

function requireEmailMediaType(req: Request, _res: Response, next: NextFunction): void {
  if (req.is('message/rfc822') || req.is('application/json')) {
    next();
    return;
  }
  next(
    problems.unsupportedMediaType('Send the message as message/rfc822 or Postmark inbound JSON (application/json).'),
  );
}

/** Unknown organization, missing credentials and a wrong secret all get the same 401. */
function authenticate(deps: WebhookDeps) {
  const key = Buffer.from(deps.config.SECRETS_KEY, 'base64');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const stored = await findEmailWebhookOrganization(deps.orm.em.fork(), String(req.params.orgSlug));
    const expected = stored?.webhookSecretEncrypted
      ? decryptSecret({ ciphertext: stored.webhookSecretEncrypted, key })
      : null;
    const given = basicAuthPassword(req.headers.authorization);
    if (!stored || expected === null || given === null || !sameSecret(given, expected)) {
      next(problems.unauthorized('Valid basic auth credentials for this organization are required.'));
      return;
    }
    res.locals.emailOrganization = { id: stored.id, supportEmail: stored.supportEmail } satisfies EmailOrganization;
    next();
  };
}

function basicAuthPassword(header: string | undefined): string | null {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

/** Hashing first gives equal lengths, so the comparison leaks neither content nor length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
