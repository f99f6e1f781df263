import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConnectedChannel } from '../../domain/channel-registry';
import { createCaseRecord } from './create-case-record';

export interface InboundMessage {
  orgId: string;
  channel: ConnectedChannel;
  /** How the channel knows the sender: email address, PSID/IGSID, phone number, widget user id. */
  sender: { externalId: string; name?: string | null; email?: string | null; phone?: string | null };
  /** The conversation on the provider's side (Meta conversation, comment root, phone number, widget conversation); null for email, which threads by headers. */
  threadRef: string | null;
  /** Set when the channel's own threading (e.g. email headers) already found the thread. */
  threadId?: string | null;
  subject: string;
  body: string;
  originalBody?: string | null;
  providerMessageId: string;
  rfcMessageId?: string | null;
  kind?: 'message' | 'comment' | 'call';
  metadata?: Record<string, unknown>;
  occurredAt: Date;
  attachments?: Array<{
    kind: 'image' | 'audio' | 'video' | 'file' | 'recording' | 'link';
    url: string | null;
    name?: string | null;
    contentType?: string | null;
    providerId?: string | null;
  }>;
}

export interface RecordedInbound {
  messageId: string;
  caseId: string;
  caseNumber: number;
  workflowId: string;
  duplicate: boolean;
  caseCreated: boolean;
}

const SNIPPET_LENGTH = 200;

/**
 * Store-then-signal, the store half: customer, identity, thread, live case and message in one
 * transaction. A redelivered message (same provider id in this organization and channel) returns
 * the stored one, so the caller signals again harmlessly and nothing is stored twice.
 * `markSignalPending` stores a new message as awaiting its signal, for the redelivery sweep to find
 * if the caller never gets to clear it; a redelivery keeps the mark the first delivery left.
 */
export async function recordInboundMessage(
  em: EntityManager,
  input: InboundMessage,
  options: { markSignalPending?: boolean } = {},
): Promise<RecordedInbound> {
  return em.transactional(async (tx) => {
    // One sender at a time per organization and channel: identity, thread and live case stay unique under concurrent deliveries.
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `${input.orgId}:${input.channel}:${input.sender.externalId}`,
    ]);

    const existing: Array<{ id: string; case_id: string; number: number; workflow_id: string }> = await tx.execute(
      `select m.id, m.case_id, c.number, c.workflow_id from messages m join cases c on c.id = m.case_id
       where m.org_id = ? and m.channel = ? and m.provider_message_id = ?`,
      [input.orgId, input.channel, input.providerMessageId],
    );
    if (existing[0]) {
      const row = existing[0];
      return {
        messageId: row.id,
        caseId: row.case_id,
        caseNumber: row.number,
        workflowId: row.workflow_id,
        duplicate: true,
        caseCreated: false,
      };
    }

    const customerId = await findOrCreateCustomer(tx, input);
    const threadId = input.threadId ?? (await findOrCreateThread(tx, { ...input, customerId }));
    const live: Array<{ id: string; number: number; workflow_id: string }> = await tx.execute(
      `select id, number, workflow_id from cases where thread_id = ? and lifecycle_ended_at is null for update`,
      [threadId],
    );
    const kase = live[0]
      ? { id: live[0].id, number: live[0].number, workflowId: live[0].workflow_id, created: false }
      : { ...(await openCaseOnThread(tx, { ...input, customerId, threadId })), created: true };

    const inserted: Array<{ id: string }> = await tx.execute(
      `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, provider_message_id, rfc_message_id,
         subject, body, original_body, metadata, occurred_at, signal_pending)
       values (?, ?, ?, ?, 'inbound', ?, 'customer', ?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning id`,
      [
        input.orgId,
        kase.id,
        threadId,
        input.channel,
        input.kind ?? 'message',
        input.providerMessageId,
        input.rfcMessageId ?? null,
        input.subject,
        input.body,
        input.originalBody ?? null,
        JSON.stringify(input.metadata ?? {}),
        input.occurredAt,
        options.markSignalPending ?? false,
      ],
    );
    const messageId = inserted[0].id;
    for (const attachment of input.attachments ?? []) {
      await tx.execute(
        `insert into attachments (org_id, message_id, kind, url, name, content_type, provider_id) values (?, ?, ?, ?, ?, ?, ?)`,
        [
          input.orgId,
          messageId,
          attachment.kind,
          attachment.url,
          attachment.name ?? null,
          attachment.contentType ?? null,
          attachment.providerId ?? null,
        ],
      );
    }
    await tx.execute(
      // Providers deliver out of order: the snippet is the latest message's, whichever arrived last.
      `update cases set last_message_snippet = case when last_message_at is null or last_message_at <= ? then ? else last_message_snippet end,
         last_message_at = greatest(coalesce(last_message_at, ?), ?), updated_at = now() where id = ?`,
      [
        input.occurredAt,
        input.body.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH),
        input.occurredAt,
        input.occurredAt,
        kase.id,
      ],
    );
    return {
      messageId,
      caseId: kase.id,
      caseNumber: kase.number,
      workflowId: kase.workflowId,
      duplicate: false,
      caseCreated: kase.created,
    };
  });
}

/** A thread whose last case has ended starts a new case linked to that one. */
async function openCaseOnThread(tx: EntityManager, input: InboundMessage & { customerId: string; threadId: string }) {
  const previous: Array<{ id: string }> = await tx.execute(
    `select id from cases where thread_id = ? order by created_at desc, number desc limit 1`,
    [input.threadId],
  );
  return createCaseRecord(tx, {
    orgId: input.orgId,
    channel: input.channel,
    subject: input.subject,
    openedAt: input.occurredAt,
    customerId: input.customerId,
    threadId: input.threadId,
    previousCaseId: previous[0]?.id ?? null,
  });
}

async function findOrCreateCustomer(tx: EntityManager, input: InboundMessage): Promise<string> {
  const identities: Array<{ customer_id: string }> = await tx.execute(
    `select customer_id from customer_identities where org_id = ? and channel = ? and external_id = ?`,
    [input.orgId, input.channel, input.sender.externalId],
  );
  if (identities[0]) return identities[0].customer_id;
  const customers: Array<{ id: string }> = await tx.execute(
    `insert into customers (org_id, name, email, phone) values (?, ?, ?, ?) returning id`,
    [input.orgId, input.sender.name ?? null, input.sender.email ?? null, input.sender.phone ?? null],
  );
  await tx.execute(
    `insert into customer_identities (org_id, customer_id, channel, external_id, display_name) values (?, ?, ?, ?, ?)`,
    [input.orgId, customers[0].id, input.channel, input.sender.externalId, input.sender.name ?? null],
  );
  return customers[0].id;
}

async function findOrCreateThread(tx: EntityManager, input: InboundMessage & { customerId: string }): Promise<string> {
  if (input.threadRef !== null) {
    const threads: Array<{ id: string }> = await tx.execute(
      `select id from threads where org_id = ? and channel = ? and external_ref = ?`,
      [input.orgId, input.channel, input.threadRef],
    );
    if (threads[0]) return threads[0].id;
  }
  const created: Array<{ id: string }> = await tx.execute(
    `insert into threads (org_id, channel, customer_id, external_ref, subject, reply_token) values (?, ?, ?, ?, ?, ?) returning id`,
    // The reply token goes into support+TOKEN@ addresses: random, never a guessable sequence.
    [
      input.orgId,
      input.channel,
      input.customerId,
      input.threadRef,
      input.subject,
      randomBytes(18).toString('base64url'),
    ],
  );
  return created[0].id;
}
