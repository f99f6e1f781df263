import type { Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { issueVisitorToken, verifyVisitorIdentity } from '../../channels/widget/widget-identity';
import { recordTranscriptLine } from '../../db/cases/record-transcript-line';
import type { RecordedInbound } from '../../db/cases/record-inbound-message';
import { findWidgetOrganization } from '../../db/connections/widget-connections';
import { decryptSecret } from '../../db/secrets';
import { findWidgetThreadOwnership } from '../../db/threads/widget-threads';
import { problems } from '../http/problem';
import { parseRequest } from '../http/validate';
import { widgetId, widgetInboundMessage, widgetThreadRef } from './widget-inbound-message';
import type { WidgetRouteDeps } from './webhook-deps';

const VISITOR_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

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

/**
 * An escalation (bot → human) hands over the transcript and opens (or continues) the case; the
 * answer carries the visitor token the widget continues the conversation with.
 */
export function addWidgetEscalationRoutes(router: Router, deps: WidgetRouteDeps): void {
  router.post('/webhooks/widget/escalations', ...deps.jsonBody, async (req, res) => {
    const body = parseRequest(escalationBody, req.body, 'body');
    const org = await findWidgetOrganization(deps.orm.em.fork(), body.widgetKey);
    if (!org) throw problems.unauthorized('Unknown or disabled widget key.');
    const identified = org.identityRequired || body.visitor.userId !== undefined;
    if (identified) {
      const { userId, userHash } = body.visitor;
      const widgetSecret = org.widgetSecretEncrypted
        ? decryptSecret({ ciphertext: org.widgetSecretEncrypted, key: deps.secretsKey })
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
        message: widgetInboundMessage({
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
      secret: deps.tokenSecret,
      orgId: org.id,
      conversationId: body.conversationId,
      visitorId,
      expiresAt: new Date(Date.now() + VISITOR_TOKEN_TTL_MS),
    });
    res.status(201).json({ caseId: kase.caseId, caseNumber: kase.caseNumber, visitorToken });
  });
}

/** A conversation id another visitor already owns is not joined: nobody writes into someone else's thread. */
async function refuseForeignConversation(
  orm: MikroORM,
  input: { orgId: string; conversationId: string; visitorId: string },
): Promise<void> {
  const thread = await findWidgetThreadOwnership(orm.em.fork(), {
    orgId: input.orgId,
    threadRef: widgetThreadRef(input.conversationId),
    visitorId: input.visitorId,
  });
  if (thread && !thread.owned) throw problems.conflict('This conversation belongs to another visitor.');
}
