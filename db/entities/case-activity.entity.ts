import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const ReadMark = defineEntity({
  name: 'ReadMark',
  tableName: 'read_marks',
  properties: {
    userId: p.uuid().primary(),
    caseId: p.uuid().primary(),
    orgId: p.uuid(),
    readAt: p.datetime(),
  },
  primaryKeys: ['userId', 'caseId'],
});
export type IReadMark = InferEntity<typeof ReadMark>;

/** The case timeline: one row per accepted workflow transition, keyed by the case version. */
export const CaseEvent = defineEntity({
  name: 'CaseEvent',
  tableName: 'case_events',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    orgId: p.uuid(),
    caseId: p.uuid(),
    version: p.bigint('number'),
    type: p.text(),
    actorType: p.enum(['customer', 'agent', 'system', 'ai', 'routing', 'partner']),
    actorUserId: p.uuid().nullable(),
    changes: p.json<Record<string, unknown>>().default('{}'),
    detail: p.text().nullable(),
    occurredAt: p.datetime(),
  },
});
export type ICaseEvent = InferEntity<typeof CaseEvent>;
