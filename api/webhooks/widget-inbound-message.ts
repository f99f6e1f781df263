import { z } from 'zod';
import type { InboundMessage } from '../../db/cases/record-inbound-message';

const SUBJECT = 'Chat conversation';

/** The widget's own ids (conversation, message), as it sends them. */
export const widgetId = z.string().trim().min(1).max(200);

/** The thread a widget conversation is stored as. */
export const widgetThreadRef = (conversationId: string) => `widget:${conversationId}`;

/** A visitor's line, as every channel's inbound message: the visitor id is the customer's identity on the widget. */
export function widgetInboundMessage(input: {
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
    threadRef: widgetThreadRef(input.conversationId),
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
