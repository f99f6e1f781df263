import { findPhoneConnection, findCaseCustomerPhone, recordOutboundCall } from '../../db/cases/outbound-calls';
import { createPhoneCase } from '../../db/cases/create-phone-case';
import { decryptSecret } from '../../db/secrets';
import { placeCall } from '../../channels/phone/twilio-calls';
import { PermanentSendError, RetryableSendError } from '../../channels/send-errors';
import { startCreatedCase } from '../case-lifecycle/start-created-case';
import { AppError, appErrors } from '../app-error';
import type { CaseActionDeps, CaseActor } from './case-actor';
import { findActorCase } from './find-actor-case';

export interface CallDeps extends CaseActionDeps {
  secretsKey: Buffer;
  publicBaseUrl: string;
  /** Replaces https://api.twilio.com (a local fake in tests). */
  twilioApiUrl?: string;
}

export const E164 = /^\+[1-9][0-9]{6,14}$/;

interface PhoneLine {
  number: string;
  accountSid: string;
  authToken: string;
}

async function phoneLineOf(deps: CallDeps, orgId: string): Promise<PhoneLine> {
  const connection = await findPhoneConnection(deps.orm.em.fork(), orgId);
  if (!connection)
    throw new AppError('unprocessable', 'Your organization has no phone number connected.', {
      type: 'no-phone-connection',
    });
  const credentials = JSON.parse(
    decryptSecret({ ciphertext: connection.credentialsEncrypted, key: deps.secretsKey }),
  ) as { accountSid: string; authToken: string };
  return { number: connection.number, ...credentials };
}

async function placeCallFrom(deps: CallDeps, line: PhoneLine, to: string): Promise<string> {
  const publicUrl = (path: string) => `${deps.publicBaseUrl.replace(/\/+$/, '')}${path}`;
  try {
    const placed = await placeCall({
      accountSid: line.accountSid,
      authToken: line.authToken,
      apiBaseUrl: deps.twilioApiUrl,
      from: line.number,
      to,
      statusCallback: publicUrl('/webhooks/twilio/status'),
      recordingStatusCallback: publicUrl('/webhooks/twilio/recording'),
    });
    return placed.callSid;
  } catch (error) {
    if (error instanceof PermanentSendError)
      throw new AppError('unprocessable', `Twilio refused the call: ${error.message}`, { type: 'call-refused' });
    if (error instanceof RetryableSendError)
      throw new AppError('unavailable', `Twilio is unavailable, try again: ${error.message}`);
    throw error;
  }
}

/** Calls the case's customer (or another number) from the organization's phone number. */
export async function callFromCase(
  deps: CallDeps,
  actor: CaseActor,
  request: { caseId: string; to?: string },
): Promise<{ messageId: string; callSid: string }> {
  const em = deps.orm.em.fork();
  const kase = await findActorCase(em, actor, request.caseId);
  const to = request.to ?? (await findCaseCustomerPhone(em, kase.id));
  if (!to || !E164.test(to))
    throw appErrors.invalidField('to', "The case's customer has no E.164 phone number: give one.");
  const line = await phoneLineOf(deps, actor.orgId);
  const callSid = await placeCallFrom(deps, line, to);
  const messageId = await recordOutboundCall(em, {
    orgId: actor.orgId,
    caseId: kase.id,
    userId: actor.userId,
    from: line.number,
    to,
    callSid,
  });
  return { messageId, callSid };
}

/** Calls a customer who has no case yet: the call is placed first (Twilio validates the number), then its case is opened. */
export async function callNewCustomer(
  deps: CallDeps,
  actor: CaseActor,
  request: { to: string; customerName?: string },
): Promise<{ caseId: string; messageId: string; callSid: string }> {
  const line = await phoneLineOf(deps, actor.orgId);
  const callSid = await placeCallFrom(deps, line, request.to);
  const em = deps.orm.em.fork();
  const kase = await createPhoneCase(em, {
    orgId: actor.orgId,
    ourNumber: line.number,
    customerNumber: request.to,
    customerName: request.customerName ?? null,
    createdByUserId: actor.userId,
    openedAt: new Date(),
  });
  const messageId = await recordOutboundCall(em, {
    orgId: actor.orgId,
    caseId: kase.caseId,
    userId: actor.userId,
    from: line.number,
    to: request.to,
    callSid,
  });
  if (kase.created) await startCreatedCase({ orm: deps.orm, temporal: deps.temporal, caseId: kase.caseId });
  return { caseId: kase.caseId, messageId, callSid };
}
