import type { Request, Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import { readVisitorToken, type VisitorTokenClaims } from '../../channels/widget/widget-identity';
import { listVisitorVisibleMessages } from '../../db/messages/visitor-visible-messages';
import { findVisitorThread } from '../../db/threads/widget-threads';
import { problems } from '../http/problem';
import { parseRequest } from '../http/validate';
import { widgetId, widgetInboundMessage, widgetThreadRef } from './widget-inbound-message';
import type { WidgetRouteDeps } from './webhook-deps';

const messageBody = z.object({
  visitorToken: z.string().min(1).max(2000),
  id: widgetId,
  text: z.string().min(1).max(10_000),
});
const conversationParams = z.object({ id: widgetId });

/** After an escalation the visitor writes on and reads the agents' replies with the visitor token, in that conversation only. */
export function addWidgetConversationRoutes(router: Router, deps: WidgetRouteDeps): void {
  router.post('/webhooks/widget/messages', ...deps.jsonBody, async (req, res) => {
    const body = parseRequest(messageBody, req.body, 'body');
    const claims = readVisitorToken({ secret: deps.tokenSecret, token: body.visitorToken });
    if (!claims) throw problems.unauthorized('The visitor token is invalid or expired.');
    await requireConversation(deps.orm, claims);
    const recorded = await ingestCustomerMessage({
      orm: deps.orm,
      temporal: deps.temporal,
      message: widgetInboundMessage({
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
    const claims = readVisitorToken({ secret: deps.tokenSecret, token: bearerToken(req) ?? '' });
    if (!claims) throw problems.unauthorized('A valid visitor token is required.');
    // A token reads its own conversation only; any other is as if it did not exist.
    if (claims.conversationId !== params.id) throw problems.notFound('No such conversation.');
    const threadId = await requireConversation(deps.orm, claims);
    const rows = await listVisitorVisibleMessages(deps.orm.em.fork(), { threadId, orgId: claims.orgId });
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

/** The conversation's thread, when the token's visitor owns it; otherwise 404. */
async function requireConversation(orm: MikroORM, claims: VisitorTokenClaims): Promise<string> {
  const threadId = await findVisitorThread(orm.em.fork(), {
    orgId: claims.orgId,
    threadRef: widgetThreadRef(claims.conversationId),
    visitorId: claims.visitorId,
  });
  if (!threadId) throw problems.notFound('No such conversation.');
  return threadId;
}

function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}
