import express, { type Request, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import {
  deriveVisitorTokenSecret,
  issueVisitorToken,
  readVisitorToken,
  verifyVisitorIdentity,
  type VisitorTokenClaims,
} from '../../channels/widget/widget-identity';
import { recordTranscriptLine } from '../../db/cases/record-transcript-line';
import type { InboundMessage, RecordedInbound } from '../../db/cases/record-inbound-message';
import { decryptSecret } from '../../db/secrets';
import { problems } from '../http/problem';
import { parseRequest } from '../http/validate';
import { requireMediaType } from '../http/require-media-type';
import type { WebhookDeps } from './webhooks.router';

const VISITOR_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const SUBJECT = 'Chat conversation';

const widgetId = z.string().trim().min(1).max(200);
const escalationBody = z.object({
  widgetKey: z.string().trim().min(1).max(200),
  visitor: z.object({
    userId: z.string().trim().min(1).max(200).optional(),
    userHash: z.string().trim().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
  }),
  conversationId: widgetId,
  transcript: z
    .array(
      z.object({
        id: widgetId,
        author: z.enum(['bot', 'visitor', 'agent']),
        text: z.string().min(1).max(10_000),
        at: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(200),
  reason: z.string().trim().min(1).max(500).optional(),
});
const messageBody = z.object({
  visitorToken: z.string().min(1).max(2000),
  id: widgetId,
  text: z.string().min(1).max(10_000),
});
const conversationParams = z.object({ id: widgetId });

/**
 * The chat widget. An escalation (bot → human) hands over the transcript and opens (or continues)
 * the case; the visitor then continues it and reads agent replies with the visitor token it got.
 * Identified visitors prove their userId with the organization's widget secret; everyone else is
 * anonymous, scoped to the one conversation, and never sees earlier history.
 */
export function addWidgetWebhookRoutes(router: Router, deps: WebhookDeps): void {
  const jsonOnly = requireMediaType({ types: ['application/json'], detail: 'Send the body as application/json.' });
  const json = express.json({ limit: '256kb' });
  const secretsKey = Buffer.from(deps.config.SECRETS_KEY, 'base64');
  const tokenSecret = deriveVisitorTokenSecret(secretsKey);

  router.post('/webhooks/widget/escalations', jsonOnly, json, async (req, res) => {
    const body = parseRequest(escalationBody, req.body, 'body');
    const org = await findWidgetOrganization(deps.orm, body.widgetKey);
    if (!org) throw problems.unauthorized('Unknown or disabled widget key.');
    const identified = org.identityRequired || body.visitor.userId !== undefined;
    if (identified) {
      const { userId, userHash } = body.visitor;
      const widgetSecret = org.widgetSecretEncrypted
        ? decryptSecret({ ciphertext: org.widgetSecretEncrypted, key: secretsKey })
        : null;
      if (!userId || !userHash || !widgetSecret || !verifyVisitorIdentity({ widgetSecret, userId, userHash })) {
        throw problems.unauthorized('The visitor identity (userId, userHash) is missing or does not verify.');
      }
    }
    if (!body.transcript.some((line) => line.author === 'visitor')) {
      throw problems.validation([{ field: 'body.transcript', message: 'The transcript holds no visitor message.' }]);
    }
    const visitorId = identified ? `user:${body.visitor.userId}` : `anon:${body.conversationId}`;
    await refuseForeignConversation(deps.orm, { orgId: org.id, conversationId: body.conversationId, visitorId });
    const lines = [...body.transcript].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const metadata = {
      conversationId: body.conversationId,
      escalation: true,
      ...(body.reason ? { reason: body.reason } : {}),
    };

    // Visitor lines first, in order: the first opens (or finds) the case the bot and agent lines then join.
    let recorded: RecordedInbound | null = null;
    for (const line of lines.filter((candidate) => candidate.author === 'visitor')) {
      recorded = await ingestCustomerMessage({
        orm: deps.orm,
        temporal: deps.temporal,
        message: inboundMessage({
          orgId: org.id,
          conversationId: body.conversationId,
          visitorId,
          visitor: body.visitor,
          identified,
          id: line.id,
          text: line.text,
          at: new Date(line.at),
          metadata,
        }),
      });
    }
    const kase = recorded;
    if (!kase)
      throw problems.validation([{ field: 'body.transcript', message: 'The transcript holds no visitor message.' }]);
    const em = deps.orm.em.fork();
    for (const line of lines) {
      if (line.author === 'visitor') continue;
      await recordTranscriptLine(em, {
        orgId: org.id,
        caseId: kase.caseId,
        channel: 'widget',
        providerMessageId: `${body.conversationId}:${line.id}`,
        author: line.author,
        body: line.text,
        occurredAt: new Date(line.at),
        metadata: { conversationId: body.conversationId, widgetMessageId: line.id },
      });
    }
    const visitorToken = issueVisitorToken({
      secret: tokenSecret,
      orgId: org.id,
      conversationId: body.conversationId,
      visitorId,
      expiresAt: new Date(Date.now() + VISITOR_TOKEN_TTL_MS),
    });
    res.status(201).json({ caseId: kase.caseId, caseNumber: kase.caseNumber, visitorToken });
  });

  router.post('/webhooks/widget/messages', jsonOnly, json, async (req, res) => {
    const body = parseRequest(messageBody, req.body, 'body');
    const claims = readVisitorToken({ secret: tokenSecret, token: body.visitorToken });
    if (!claims) throw problems.unauthorized('The visitor token is invalid or expired.');
    await requireConversation(deps.orm, claims);
    const recorded = await ingestCustomerMessage({
      orm: deps.orm,
      temporal: deps.temporal,
      message: inboundMessage({
        orgId: claims.orgId,
        conversationId: claims.conversationId,
        visitorId: claims.visitorId,
        visitor: {},
        identified: claims.visitorId.startsWith('user:'),
        id: body.id,
        text: body.text,
        at: new Date(),
        metadata: { conversationId: claims.conversationId },
      }),
    });
    res
      .status(recorded.duplicate ? 200 : 201)
      .json({ caseId: recorded.caseId, caseNumber: recorded.caseNumber, messageId: recorded.messageId });
  });

  router.get('/webhooks/widget/conversations/:id/messages', async (req, res) => {
    const params = parseRequest(conversationParams, req.params, 'params');
    const claims = readVisitorToken({ secret: tokenSecret, token: bearerToken(req) ?? '' });
    if (!claims) throw problems.unauthorized('A valid visitor token is required.');
    // A token reads its own conversation only; any other is as if it did not exist.
    if (claims.conversationId !== params.id) throw problems.notFound('No such conversation.');
    const threadId = await requireConversation(deps.orm, claims);
    const rows: Array<{
      id: string;
      direction: string;
      author_type: string;
      body: string;
      metadata: Record<string, unknown>;
      occurred_at: Date;
    }> = await deps.orm.em.fork().execute(
      `select m.id, m.direction, m.author_type, m.body, m.metadata, m.occurred_at from messages m
         where m.thread_id = ? and m.org_id = ? and m.kind = 'message'
           and ((m.direction = 'inbound' and m.author_type = 'customer')
             or (m.direction = 'outbound' and m.author_type in ('agent', 'bot') and m.delivery_status in ('sent', 'delivered')))
         order by m.occurred_at, m.created_at, m.id`,
      [threadId, claims.orgId],
    );
    res.status(200).json({
      conversationId: claims.conversationId,
      messages: rows.map((row) => ({
        id: row.id,
        author:
          row.direction === 'inbound'
            ? 'visitor'
            : row.author_type === 'bot' && row.metadata.transcriptAuthor !== 'agent'
              ? 'bot'
              : 'agent',
        text: row.body,
        at: new Date(row.occurred_at).toISOString(),
      })),
    });
  });
}

function inboundMessage(input: {
  orgId: string;
  conversationId: string;
  visitorId: string;
  identified: boolean;
  visitor: { name?: string; email?: string };
  id: string;
  text: string;
  at: Date;
  metadata: Record<string, unknown>;
}): InboundMessage {
  return {
    orgId: input.orgId,
    channel: 'widget',
    // An anonymous visitor's email is only a claim: kept on the message, never on the customer.
    sender: {
      externalId: input.visitorId,
      name: input.visitor.name ?? null,
      email: input.identified ? (input.visitor.email ?? null) : null,
    },
    threadRef: `widget:${input.conversationId}`,
    subject: SUBJECT,
    body: input.text,
    providerMessageId: `${input.conversationId}:${input.id}`,
    kind: 'message',
    occurredAt: input.at,
    metadata: {
      ...input.metadata,
      widgetMessageId: input.id,
      ...(!input.identified && input.visitor.email ? { claimedEmail: input.visitor.email } : {}),
    },
  };
}

async function findWidgetOrganization(orm: MikroORM, widgetKey: string) {
  const rows: Array<{ id: string; widget_secret_encrypted: string | null; widget_identity_required: boolean }> =
    await orm.em.fork().execute(
      `select o.id, o.widget_secret_encrypted, o.widget_identity_required from channel_connections cc join organizations o on o.id = cc.org_id
     where cc.channel = 'widget' and cc.external_id = ? and cc.enabled`,
      [widgetKey],
    );
  const row = rows[0];
  return row
    ? { id: row.id, widgetSecretEncrypted: row.widget_secret_encrypted, identityRequired: row.widget_identity_required }
    : null;
}

/** A conversation id another visitor already owns is not joined: nobody writes into someone else's thread. */
async function refuseForeignConversation(
  orm: MikroORM,
  input: { orgId: string; conversationId: string; visitorId: string },
): Promise<void> {
  const rows: Array<{ owned: boolean }> = await orm.em.fork().execute(
    `select exists (select 1 from customer_identities ci where ci.customer_id = t.customer_id and ci.org_id = t.org_id and ci.channel = 'widget' and ci.external_id = ?) as owned
     from threads t where t.org_id = ? and t.channel = 'widget' and t.external_ref = ?`,
    [input.visitorId, input.orgId, `widget:${input.conversationId}`],
  );
  if (rows[0] && !rows[0].owned) throw problems.conflict('This conversation belongs to another visitor.');
}

/** The conversation's thread, when the token's visitor owns it; otherwise 404. */
async function requireConversation(orm: MikroORM, claims: VisitorTokenClaims): Promise<string> {
  const rows: Array<{ id: string }> = await orm.em.fork().execute(
    `select t.id from threads t join customer_identities ci on ci.customer_id = t.customer_id and ci.org_id = t.org_id and ci.channel = 'widget'
     where t.org_id = ? and t.channel = 'widget' and t.external_ref = ? and ci.external_id = ?`,
    [claims.orgId, `widget:${claims.conversationId}`, claims.visitorId],
  );
  if (!rows[0]) throw problems.notFound('No such conversation.');
  return rows[0].id;
}

function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}
