import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { MetaPayloadError, parseMetaWebhook, type MetaInboundEvent } from '../../channels/meta/meta-inbound';
import { verifyMetaSignature } from '../../channels/meta/meta-signature';
import type { InboundMessage } from '../../db/cases/record-inbound-message';
import { findConnectedOrganizationId } from '../../db/connections/channel-connections';
import { problems } from '../http/problem';
import { requireMediaType } from '../http/require-media-type';
import type { WebhookDeps } from './webhook-deps';

/**
 * Meta (Messenger, Instagram DMs, Page and Instagram comments). Meta retries until it gets a 200,
 * so the answer comes only after every event is stored and signalled; a retry after a failure is
 * harmless because ingest dedupes on the provider message id.
 */
export function addMetaWebhookRoutes(router: Router, deps: WebhookDeps): void {
  router.get('/webhooks/meta', (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    const configured = deps.config.META_VERIFY_TOKEN;
    if (
      !configured ||
      mode !== 'subscribe' ||
      typeof token !== 'string' ||
      typeof challenge !== 'string' ||
      !equalSecrets(token, configured)
    ) {
      throw problems.forbidden('The verification token does not match.');
    }
    res.status(200).type('text/plain').send(challenge);
  });

  const json = requireMediaType({ types: ['application/json'], detail: 'Meta delivers webhooks as application/json.' });
  router.post(
    '/webhooks/meta',
    json,
    express.raw({ type: '*/*', limit: deps.config.API_BODY_LIMIT ?? '1mb' }),
    async (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (
        !verifyMetaSignature({
          appSecret: deps.config.META_APP_SECRET,
          rawBody,
          header: req.get('x-hub-signature-256'),
        })
      ) {
        throw problems.unauthorized('The X-Hub-Signature-256 header is missing or does not match the body.');
      }
      const events = parseEvents(rawBody);
      const organizations = new Map<string, string | null>();
      for (const event of events) {
        const orgId = await findConnectedOrganization({ orm: deps.orm, event, cache: organizations });
        // An account nobody connected (or a disabled connection) is not an error: Meta must not retry it forever.
        if (!orgId) continue;
        await ingestCustomerMessage({
          orm: deps.orm,
          temporal: deps.temporal,
          message: toInboundMessage(orgId, event),
        });
      }
      res.status(200).type('text/plain').send('EVENT_RECEIVED');
    },
  );
}

function parseEvents(rawBody: Buffer): MetaInboundEvent[] {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw problems.malformedBody('The body is not valid JSON.');
  }
  try {
    return parseMetaWebhook(payload).events;
  } catch (error) {
    if (error instanceof MetaPayloadError) throw problems.malformedBody(error.message);
    throw error;
  }
}

async function findConnectedOrganization(input: {
  orm: MikroORM;
  event: MetaInboundEvent;
  cache: Map<string, string | null>;
}): Promise<string | null> {
  const key = `${input.event.channel}:${input.event.accountId}`;
  const cached = input.cache.get(key);
  if (cached !== undefined) return cached;
  const orgId = await findConnectedOrganizationId(input.orm.em.fork(), {
    channel: input.event.channel,
    externalId: input.event.accountId,
  });
  input.cache.set(key, orgId);
  return orgId;
}

function toInboundMessage(orgId: string, event: MetaInboundEvent): InboundMessage {
  return {
    orgId,
    channel: event.channel,
    sender: { externalId: event.sender.id, name: event.sender.name },
    threadRef: event.threadRef,
    subject: event.subject,
    body: event.text,
    providerMessageId: event.providerMessageId,
    kind: event.kind,
    metadata: event.metadata,
    occurredAt: event.occurredAt,
    attachments: event.attachments,
  };
}

function equalSecrets(offered: string, expected: string): boolean {
  const a = Buffer.from(offered, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
