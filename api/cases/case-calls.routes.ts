import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { startCreatedCase } from './start-created-case';
import { placeCall } from '../../channels/phone/twilio-calls';
import { PermanentSendError, RetryableSendError } from '../../channels/send-errors';
import { findCaseRef } from '../../db/cases/case-views';
import { createPhoneCase } from '../../db/cases/create-phone-case';
import { decryptSecret } from '../../db/secrets';
import type { Caller } from '../auth/authenticate';
import { problems } from '../http/problem';
import type { RouteTable } from '../openapi/route-table';
import { z } from '../openapi/zod';
import { caseIdParams } from './case-schemas';

export interface CaseCallRouteDeps {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  /** Replaces https://api.twilio.com (a local fake in tests). */
  twilioApiUrl?: string;
  secretsKey: Buffer;
  publicBaseUrl: string;
}

const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 phone number, e.g. +14155550123');
const caseCallBody = z.object({ to: e164.optional() }).strict();
const newCallBody = z.object({ to: e164, customerName: z.string().trim().min(1).max(200).optional() }).strict();
const callResponse = z.object({ messageId: z.uuid(), callSid: z.string() });

interface PhoneConnection {
  number: string;
  accountSid: string;
  authToken: string;
}

/** Agents call customers from the organization's Twilio number; the call is an outbound `call` message of the case. */
export function addCaseCallRoutes(table: RouteTable, deps: CaseCallRouteDeps): void {
  const em = () => deps.orm.em.fork();
  const publicUrl = (path: string) => `${deps.publicBaseUrl.replace(/\/+$/, '')}${path}`;

  async function phoneConnection(orgId: string): Promise<PhoneConnection> {
    const rows: Array<{ external_id: string; credentials_encrypted: string | null }> = await em().execute(
      `select external_id, credentials_encrypted from channel_connections where org_id = ? and channel = 'phone' and enabled order by created_at limit 1`,
      [orgId],
    );
    const row = rows[0];
    if (!row?.credentials_encrypted)
      throw problems.unprocessable('Your organization has no phone number connected.', 'no-phone-connection');
    const credentials = JSON.parse(decryptSecret({ ciphertext: row.credentials_encrypted, key: deps.secretsKey })) as {
      accountSid: string;
      authToken: string;
    };
    return { number: row.external_id, accountSid: credentials.accountSid, authToken: credentials.authToken };
  }

  async function call(connection: PhoneConnection, to: string): Promise<string> {
    try {
      const placed = await placeCall({
        accountSid: connection.accountSid,
        authToken: connection.authToken,
        apiBaseUrl: deps.twilioApiUrl,
        from: connection.number,
        to,
        statusCallback: publicUrl('/webhooks/twilio/status'),
        recordingStatusCallback: publicUrl('/webhooks/twilio/recording'),
      });
      return placed.callSid;
    } catch (error) {
      if (error instanceof PermanentSendError)
        throw problems.unprocessable(`Twilio refused the call: ${error.message}`, 'call-refused');
      if (error instanceof RetryableSendError)
        throw problems.unavailable(`Twilio is unavailable, try again: ${error.message}`);
      throw error;
    }
  }

  async function recordCall(input: {
    caller: Caller;
    caseId: string;
    from: string;
    to: string;
    callSid: string;
  }): Promise<string> {
    const metadata = {
      callSid: input.callSid,
      direction: 'outbound-api',
      from: input.from,
      to: input.to,
      status: 'queued',
    };
    return em().transactional(async (tx) => {
      const rows: Array<{ id: string }> = await tx.execute(
        `insert into messages (org_id, case_id, thread_id, channel, direction, kind, author_type, author_user_id, provider_message_id, body,
           metadata, delivery_status, sent_at, occurred_at)
         select org_id, id, thread_id, 'phone', 'outbound', 'call', 'agent', ?, ?, ?, ?::jsonb, 'sent', now(), now() from cases where id = ? and org_id = ? returning id`,
        [
          input.caller.userId,
          input.callSid,
          `Outbound call to ${input.to}`,
          JSON.stringify(metadata),
          input.caseId,
          input.caller.orgId,
        ],
      );
      await tx.execute(
        `update cases set last_message_at = now(), last_message_snippet = ?, updated_at = now() where id = ?`,
        [`Outbound call to ${input.to}`, input.caseId],
      );
      return rows[0].id;
    });
  }

  table.add({
    method: 'post',
    path: '/api/v1/cases/:id/calls',
    summary: "Call the case's customer (or another number) from the organization's phone number",
    roles: ['admin', 'agent'],
    idempotent: true,
    params: caseIdParams,
    body: caseCallBody,
    response: callResponse,
    status: 201,
    handler: async ({ caller, params, body }) => {
      const ref = await findCaseRef(em(), { orgId: caller.orgId, caseId: params.id });
      if (!ref) throw problems.notFound('No such case in your organization.');
      let to = body.to;
      if (!to) {
        const customers: Array<{ phone: string | null }> = await em().execute(
          `select cu.phone from cases c join customers cu on cu.id = c.customer_id where c.id = ?`,
          [ref.id],
        );
        to = customers[0]?.phone ?? undefined;
        if (!to || !e164.safeParse(to).success)
          throw problems.validation([
            { field: 'body.to', message: "The case's customer has no E.164 phone number: give one." },
          ]);
      }
      const connection = await phoneConnection(caller.orgId);
      const callSid = await call(connection, to);
      const messageId = await recordCall({ caller, caseId: ref.id, from: connection.number, to, callSid });
      return { messageId, callSid };
    },
  });

  table.add({
    method: 'post',
    path: '/api/v1/calls',
    summary: 'Call a customer who has no case yet: opens a phone case and places the call',
    roles: ['admin', 'agent'],
    idempotent: true,
    body: newCallBody,
    response: callResponse.extend({ caseId: z.uuid() }),
    status: 201,
    handler: async ({ caller, body }) => {
      const connection = await phoneConnection(caller.orgId);
      // Twilio validates the number: nothing is stored for a call that was never placed.
      const callSid = await call(connection, body.to);
      const openedAt = new Date();
      const kase = await createPhoneCase(em(), {
        orgId: caller.orgId,
        ourNumber: connection.number,
        customerNumber: body.to,
        customerName: body.customerName ?? null,
        createdByUserId: caller.userId,
        openedAt,
      });
      const messageId = await recordCall({
        caller,
        caseId: kase.caseId,
        from: connection.number,
        to: body.to,
        callSid,
      });
      if (kase.created)
        await startCreatedCase({
          orm: deps.orm,
          temporal: { client: deps.temporal, taskQueue: deps.taskQueue },
          caseId: kase.caseId,
        });
      return { caseId: kase.caseId, messageId, callSid };
    },
  });
}
