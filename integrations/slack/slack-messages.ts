/**
 * Slack Block Kit messages for case notifications. Pure: no IO, no Slack client.
 * Every value that came from a customer or an agent goes through `escapeSlackText`, so a subject such
 * as `<!channel>` or `<https://evil|click>` shows as text instead of pinging a channel or hiding a link.
 */

export const ASSIGN_TO_ME_ACTION = 'case_assign_to_me';
export const RESOLVE_ACTION = 'case_resolve';

export interface SlackMessage {
  /** Fallback for notifications and clients that cannot render blocks. */
  text: string;
  blocks: SlackBlock[];
}

export interface SlackBlock {
  type: string;
  [field: string]: unknown;
}

export interface CaseSummary {
  caseId: string;
  caseNumber: number;
  subject: string;
  customerName: string | null;
  channel: string;
  categoryName: string | null;
  assigneeName: string | null;
  status: string;
  caseUrl: string;
}

/** What a Slack message says happened to a case; one kind per `CaseNotificationKind`. */
export type CaseNotice =
  | { kind: 'customer_reply'; snippet: string; customerName?: string | null }
  | { kind: 'status_changed'; from: string; to: string; actorName?: string | null }
  | { kind: 'needs_attention'; reason?: string | null }
  | { kind: 'window_closing'; closesAt?: string | null };

const SNIPPET_LIMIT = 280;

export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const STATUS_LABELS: Record<string, string> = {
  open: 'Open',
  in_progress: 'In progress',
  waiting_for_customer: 'Waiting for customer',
  resolved: 'Resolved',
};

export const statusLabel = (status: string): string => STATUS_LABELS[status] ?? escapeSlackText(status);

function truncate(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** Slack's link syntax is `<url|label>`: a `|` or `>` in our own URL would end it early. */
const safeUrl = (url: string): string =>
  url.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');

function headline(summary: CaseSummary): string {
  return `Case #${summary.caseNumber}: ${escapeSlackText(truncate(summary.subject || '(no subject)', 150))}`;
}

function facts(summary: CaseSummary): SlackBlock {
  const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` });
  return {
    type: 'section',
    fields: [
      field('Customer', escapeSlackText(summary.customerName ?? 'Unknown')),
      field('Channel', escapeSlackText(summary.channel)),
      field('Category', escapeSlackText(summary.categoryName ?? 'Uncategorized')),
      field('Assignee', escapeSlackText(summary.assigneeName ?? 'Unassigned')),
      field('Status', statusLabel(summary.status)),
    ],
  };
}

function actions(summary: CaseSummary): SlackBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ASSIGN_TO_ME_ACTION,
        value: summary.caseId,
        text: { type: 'plain_text', text: 'Assign to me' },
      },
      {
        type: 'button',
        action_id: RESOLVE_ACTION,
        value: summary.caseId,
        style: 'primary',
        text: { type: 'plain_text', text: 'Resolve' },
      },
      { type: 'button', action_id: 'case_open', url: summary.caseUrl, text: { type: 'plain_text', text: 'Open case' } },
    ],
  };
}

/** The first message of a case's thread. */
export function newCaseMessage(summary: CaseSummary & { snippet: string | null }): SlackMessage {
  const title = headline(summary);
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:new: *<${safeUrl(summary.caseUrl)}|${title}>*` } },
    facts(summary),
  ];
  if (summary.snippet)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `> ${escapeSlackText(truncate(summary.snippet, SNIPPET_LIMIT))}` },
    });
  if (summary.status !== 'resolved') blocks.push(actions(summary));
  return { text: `New ${title} from ${escapeSlackText(summary.customerName ?? 'a customer')}`, blocks };
}

/** The root message rewritten in place, so the channel shows each case's current status and assignee. */
export function caseRootSummary(summary: CaseSummary): SlackMessage {
  const title = headline(summary);
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*<${safeUrl(summary.caseUrl)}|${title}>*` } },
    facts(summary),
  ];
  if (summary.status !== 'resolved') blocks.push(actions(summary));
  return {
    text: `${title} — ${statusLabel(summary.status)}, ${escapeSlackText(summary.assigneeName ?? 'unassigned')}`,
    blocks,
  };
}

/** A reply in the case's thread. */
export function caseNoticeMessage(event: CaseNotice): SlackMessage {
  const text = noticeText(event);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

function noticeText(event: CaseNotice): string {
  switch (event.kind) {
    case 'customer_reply':
      return `:speech_balloon: ${escapeSlackText(event.customerName ?? 'The customer')} replied:\n> ${escapeSlackText(truncate(event.snippet, SNIPPET_LIMIT))}`;
    case 'status_changed': {
      const by = event.actorName ? ` by ${escapeSlackText(event.actorName)}` : '';
      return `:arrows_counterclockwise: Status changed from *${statusLabel(event.from)}* to *${statusLabel(event.to)}*${by}`;
    }
    case 'needs_attention':
      return `:warning: This case needs attention${event.reason ? `: ${escapeSlackText(event.reason)}` : '.'}`;
    case 'window_closing':
      return `:hourglass_flowing_sand: The reply window closes within the hour${event.closesAt ? ` (${escapeSlackText(event.closesAt)})` : ''} and no reply has been sent.`;
  }
}
