import { isTimeSensitiveChannel, type Channel } from './channel-registry';

export const CASE_STATUSES = ['open', 'in_progress', 'waiting_for_customer', 'resolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Meta's tag for a human agent's reply after the 24-hour window, allowed up to 7 days (see case-machine). */
export type MessagingTag = 'HUMAN_AGENT';

/** 'auto' means an auto-resolve category (spam, noise) closed the case, not a person. */
export type Resolution = 'manual' | 'auto';

export interface CasePolicy {
  reopenWindowMs: number;
  messagingWindowMs: number;
  attentionAfterMs: number;
  humanAgentTagEnabled: boolean;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_CASE_POLICY: CasePolicy = {
  reopenWindowMs: 7 * DAY_MS,
  messagingWindowMs: 24 * HOUR_MS,
  attentionAfterMs: 3 * DAY_MS,
  humanAgentTagEnabled: false,
};

/** Meta's HUMAN_AGENT message tag lets a person answer up to 7 days after the customer's last message. */
export const HUMAN_AGENT_TAG_WINDOW_MS = 7 * DAY_MS;

export interface CaseState {
  channel: Channel;
  status: CaseStatus;
  archived: boolean;
  /** Non-null exactly when status is 'resolved'. */
  resolution: Resolution | null;
  /** Non-null exactly when status is 'resolved'. */
  resolvedAt: number | null;
  assigneeId: string | null;
  categoryId: string | null;
  /** The current category is an auto-resolve one. */
  categoryAutoResolve: boolean;
  important: boolean;
  /** Opened, or last reopened: the attention clock starts here. */
  openedAt: number;
  lastCustomerMessageAt: number | null;
  lastAgentReplyAt: number | null;
  /** Only on time-sensitive channels: lastCustomerMessageAt + messagingWindowMs. Kept after it passes. */
  windowExpiresAt: number | null;
  needsAttention: boolean;
}

export function computeWindowExpiresAt(input: {
  channel: Channel;
  lastCustomerMessageAt: number | null;
  policy: CasePolicy;
}): number | null {
  const { channel, lastCustomerMessageAt, policy } = input;
  if (!isTimeSensitiveChannel(channel) || lastCustomerMessageAt === null) return null;
  return lastCustomerMessageAt + policy.messagingWindowMs;
}

/**
 * When an unresolved case needs attention: the attention delay after it opened or was last reopened,
 * under the policy the case started with. The workflow writes it with the case, so the inbox, the case
 * page, Slack and the Temporal UI all agree even after the organization changes its delay.
 */
export function attentionDeadline(input: { state: CaseState; policy: CasePolicy }): number | null {
  const { state, policy } = input;
  return state.status === 'resolved' ? null : state.openedAt + policy.attentionAfterMs;
}

/**
 * A case created already assigned starts `in_progress`, as if `assign` had followed at once,
 * so the same case never gets a different status depending on whether routing ran before or after creation.
 */
export function createCaseState(input: {
  channel: Channel;
  at: number;
  assigneeId?: string | null;
  important?: boolean;
  firstCustomerMessageAt?: number | null;
  policy: CasePolicy;
}): CaseState {
  const assigneeId = input.assigneeId ?? null;
  const lastCustomerMessageAt = input.firstCustomerMessageAt ?? null;
  return {
    channel: input.channel,
    status: assigneeId === null ? 'open' : 'in_progress',
    archived: false,
    resolution: null,
    resolvedAt: null,
    assigneeId,
    categoryId: null,
    categoryAutoResolve: false,
    important: input.important ?? false,
    openedAt: input.at,
    lastCustomerMessageAt,
    lastAgentReplyAt: null,
    windowExpiresAt: computeWindowExpiresAt({ channel: input.channel, lastCustomerMessageAt, policy: input.policy }),
    needsAttention: false,
  };
}
