import type { EntityManager } from '@mikro-orm/postgresql';
import { NEEDS_ATTENTION_SQL } from '../inbox/inbox-query';

const iso = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

/** The case as API responses show it (never a token, secret or another user's private fields). */
export interface CaseView {
  id: string;
  number: number;
  workflowId: string;
  channel: string;
  status: string;
  resolution: string | null;
  archived: boolean;
  subject: string;
  important: boolean;
  needsAttention: boolean;
  windowExpiresAt: string | null;
  assignee: { id: string; name: string } | null;
  category: { id: string; name: string } | null;
  customer: { id: string; name: string | null; email: string | null; phone: string | null } | null;
  device: { id: string; serialNumber: string; model: string } | null;
  previousCaseId: string | null;
  openedAt: string;
  resolvedAt: string | null;
  lastMessageAt: string | null;
  lastMessageSnippet: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface CaseRef {
  id: string;
  orgId: string;
  number: number;
  workflowId: string;
  channel: string;
  lifecycleEnded: boolean;
  /** Stored by the API while Temporal was down; its workflow has not been started yet. */
  workflowStartPending: boolean;
}

/**
 * A case of the caller's organization, or null — the same null for a missing case, another
 * organization's, or (for partners) one they did not create, so ids reveal nothing.
 */
export async function findCaseRef(
  em: EntityManager,
  input: { orgId: string; caseId: string; createdByUserId?: string | null },
): Promise<CaseRef | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.caseId)) return null;
  const rows: Array<{
    id: string;
    org_id: string;
    number: number;
    workflow_id: string;
    channel: string;
    lifecycle_ended_at: string | null;
    workflow_start_pending: boolean;
  }> = await em.execute(
    `select id, org_id, number, workflow_id, channel, lifecycle_ended_at, workflow_start_pending from cases where id = ? and org_id = ? and (?::uuid is null or created_by_user_id = ?::uuid)`,
    [input.caseId, input.orgId, input.createdByUserId ?? null, input.createdByUserId ?? null],
  );
  const row = rows[0];
  return row
    ? {
        id: row.id,
        orgId: row.org_id,
        number: row.number,
        workflowId: row.workflow_id,
        channel: row.channel,
        lifecycleEnded: row.lifecycle_ended_at !== null,
        workflowStartPending: row.workflow_start_pending,
      }
    : null;
}

export async function loadCaseView(
  em: EntityManager,
  input: { orgId: string; caseId: string },
): Promise<CaseView | null> {
  const rows: Array<Record<string, unknown>> = await em.execute(
    `select c.*, u.name as assignee_name, cat.name as category_name, cu.name as customer_name, cu.email as customer_email, cu.phone as customer_phone,
            d.serial_number as device_serial, d.model as device_model,
            ${NEEDS_ATTENTION_SQL} as needs_attention_now
     from cases c
     left join users u on u.id = c.assignee_id left join categories cat on cat.id = c.category_id
     left join customers cu on cu.id = c.customer_id left join devices d on d.id = c.device_id
     where c.id = ? and c.org_id = ?`,
    [new Date().toISOString(), input.caseId, input.orgId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id as string,
    number: row.number as number,
    workflowId: row.workflow_id as string,
    channel: row.channel as string,
    status: row.status as string,
    resolution: row.resolution as string | null,
    archived: row.archived as boolean,
    subject: row.subject as string,
    important: row.important as boolean,
    needsAttention: Boolean(row.needs_attention_now),
    windowExpiresAt: iso(row.window_expires_at),
    assignee: row.assignee_id ? { id: row.assignee_id as string, name: row.assignee_name as string } : null,
    category: row.category_id ? { id: row.category_id as string, name: row.category_name as string } : null,
    customer: row.customer_id
      ? {
          id: row.customer_id as string,
          name: row.customer_name as string | null,
          email: row.customer_email as string | null,
          phone: row.customer_phone as string | null,
        }
      : null,
    device: row.device_id
      ? { id: row.device_id as string, serialNumber: row.device_serial as string, model: row.device_model as string }
      : null,
    previousCaseId: row.previous_case_id as string | null,
    openedAt: iso(row.opened_at) as string,
    resolvedAt: iso(row.resolved_at),
    lastMessageAt: iso(row.last_message_at),
    lastMessageSnippet: row.last_message_snippet as string | null,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    version: Number(row.version),
  };
}

export async function loadCaseThread(em: EntityManager, input: { orgId: string; caseId: string }) {
  const messages: Array<Record<string, unknown>> = await em.execute(
    `select m.id, m.direction, m.kind, m.author_type, m.author_user_id, u.name as author_name, m.subject, m.body, m.delivery_status,
            m.delivery_error, m.occurred_at, m.sent_at,
            coalesce((select json_agg(json_build_object('id', a.id, 'kind', a.kind, 'url', a.url, 'name', a.name, 'contentType', a.content_type,
                      'durationSeconds', a.duration_seconds) order by a.created_at) from attachments a where a.message_id = m.id), '[]'::json) as attachments
     from messages m left join users u on u.id = m.author_user_id
     where m.case_id = ? and m.org_id = ? order by m.occurred_at, m.created_at, m.id`,
    [input.caseId, input.orgId],
  );
  const timeline: Array<Record<string, unknown>> = await em.execute(
    `select e.version, e.type, e.actor_type, e.actor_user_id, u.name as actor_name, e.changes, e.detail, e.occurred_at
     from case_events e left join users u on u.id = e.actor_user_id where e.case_id = ? and e.org_id = ? order by e.version`,
    [input.caseId, input.orgId],
  );
  return {
    messages: messages.map((m) => ({
      id: m.id,
      direction: m.direction,
      kind: m.kind,
      author: { type: m.author_type, userId: m.author_user_id, name: m.author_name },
      subject: m.subject,
      body: m.body,
      deliveryStatus: m.delivery_status,
      deliveryError: m.delivery_error,
      occurredAt: iso(m.occurred_at),
      sentAt: iso(m.sent_at),
      attachments: m.attachments,
    })),
    timeline: timeline.map((e) => ({
      version: Number(e.version),
      type: e.type,
      actor: { type: e.actor_type, userId: e.actor_user_id, name: e.actor_name },
      changes: e.changes,
      detail: e.detail,
      occurredAt: iso(e.occurred_at),
    })),
  };
}
