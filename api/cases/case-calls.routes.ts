import { callFromCase, callNewCustomer, E164, type CallDeps } from '../../app/cases/call-customer';
import type { RouteTable } from '../openapi/route-table';
import { z } from '../openapi/zod';
import { caseIdParams } from './case-schemas';

const e164 = z.string().regex(E164, 'an E.164 phone number, e.g. +14155550123');
const caseCallBody = z.object({ to: e164.optional() }).strict();
const newCallBody = z.object({ to: e164, customerName: z.string().trim().min(1).max(200).optional() }).strict();
const callResponse = z.object({ messageId: z.uuid(), callSid: z.string() });

/** Agents call customers from the organization's Twilio number; the call is an outbound `call` message of the case. */
export function addCaseCallRoutes(table: RouteTable, deps: CallDeps): void {
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
    handler: ({ caller, params, body }) => callFromCase(deps, caller, { caseId: params.id, to: body.to }),
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
    handler: ({ caller, body }) => callNewCustomer(deps, caller, body),
  });
}
