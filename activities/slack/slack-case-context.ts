import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decryptSecret, SecretDecryptionError } from '../../db/secrets';
import { findSlackCaseRow } from '../../db/slack/slack-case-notice';
import type { CaseSummary } from '../../integrations/slack/slack-messages';

/** A case as its Slack posts show it, with the token and the channel (and thread, once announced) they go to. */
export interface CaseContext extends CaseSummary {
  token: string;
  channelId: string;
  rootTs: string | null;
  snippet: string | null;
  latestCustomerMessage: string | null;
}

/** Null when the organization has no usable Slack connection: nothing to post, nothing to retry. */
export async function loadCaseContext(
  em: EntityManager,
  input: { orgId: string; caseId: string; secretsKey: Buffer; caseUrl: string },
): Promise<CaseContext | null> {
  const row = await findSlackCaseRow(em, input);
  if (!row)
    throw ApplicationFailure.nonRetryable(
      `case ${input.caseId} not found in organization ${input.orgId}`,
      'CaseNotFound',
    );
  if (!row.enabled || !row.bot_token_encrypted || !row.default_channel) return null;
  const routed =
    (row.category_id && row.category_channels?.[row.category_id]) || row.slack_channel || row.default_channel;
  return {
    caseId: input.caseId,
    caseNumber: row.number,
    subject: row.subject ?? '',
    customerName: row.customer_name,
    channel: row.channel ?? '',
    categoryName: row.category_name,
    assigneeName: row.assignee_name,
    status: row.status ?? 'open',
    caseUrl: input.caseUrl,
    token: decryptToken(row.bot_token_encrypted, input.secretsKey),
    // Once a thread exists, its events stay there even if the case's category (and so its channel) changed.
    channelId: row.channel_id ?? routed,
    rootTs: row.root_ts,
    snippet: row.snippet,
    latestCustomerMessage: row.latest_customer_message,
  };
}

function decryptToken(ciphertext: string, key: Buffer): string {
  try {
    return decryptSecret({ ciphertext, key });
  } catch (error) {
    if (error instanceof SecretDecryptionError)
      throw ApplicationFailure.nonRetryable(error.message, 'SlackPermanentError');
    throw error;
  }
}
