import { PermanentSendError, RetryableSendError } from '../send-errors';
import type { MessagingTag } from '../../domain/case.model';

interface GraphTarget {
  graphUrl: string;
  graphVersion: string;
  pageAccessToken: string;
  fetchImpl?: typeof fetch;
}

export interface SendMetaMessageInput extends GraphTarget {
  /** The page id (Messenger) or Instagram professional account id the message is sent as. */
  accountId: string;
  /** `comment_id` sends the one private reply Meta allows to a comment. */
  recipient: { id: string } | { comment_id: string };
  text: string;
  /** HUMAN_AGENT only for a human-written reply after the 24 h window has closed, never for automated ones. */
  messagingTag: MessagingTag | null;
}

/** Send API: a DM, or a private reply to a comment. The returned mid is the outbound message's idempotency key. */
export async function sendMetaMessage(input: SendMetaMessageInput): Promise<{ providerMessageId: string }> {
  const body = {
    recipient: input.recipient,
    messaging_type: input.messagingTag ? 'MESSAGE_TAG' : 'RESPONSE',
    ...(input.messagingTag ? { tag: input.messagingTag } : {}),
    message: { text: input.text },
  };
  const result = await postGraph({ target: input, path: `${input.accountId}/messages`, body });
  if (typeof result.message_id !== 'string')
    throw new RetryableSendError('The Send API answered without a message_id.');
  return { providerMessageId: result.message_id };
}

/** A public reply under a comment: Instagram nests it with /replies, Facebook with /comments. */
export async function replyToComment(
  input: GraphTarget & { channel: 'facebook' | 'instagram'; commentId: string; text: string },
): Promise<{ providerCommentId: string }> {
  const edge = input.channel === 'instagram' ? 'replies' : 'comments';
  const result = await postGraph({ target: input, path: `${input.commentId}/${edge}`, body: { message: input.text } });
  if (typeof result.id !== 'string') throw new RetryableSendError('The Graph API answered without a comment id.');
  return { providerCommentId: result.id };
}

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const TRANSIENT_CODES = new Set([1, 2]);
const WINDOW_CLOSED_SUBCODE = 2018278;

async function postGraph(input: {
  target: GraphTarget;
  path: string;
  body: unknown;
}): Promise<Record<string, unknown>> {
  const { target } = input;
  const url = `${target.graphUrl.replace(/\/+$/, '')}/${target.graphVersion}/${input.path}`;
  let response: Response;
  try {
    // The token goes in a header, not the access_token query parameter, so it never lands in URL logs.
    response = await (target.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.pageAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(input.body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new RetryableSendError(`The Graph API could not be reached: ${(error as Error).message}`);
  }
  const payload = (await response.json().catch(() => null)) as
    ({ error?: GraphError } & Record<string, unknown>) | null;
  if (response.ok && payload && !payload.error) return payload;
  throw classifyGraphError({
    status: response.status,
    error: payload?.error,
    retryAfter: response.headers.get('retry-after'),
  });
}

function classifyGraphError(input: {
  status: number;
  error: GraphError | undefined;
  retryAfter: string | null;
}): Error {
  const code = input.error?.code;
  const subcode = input.error?.error_subcode;
  const detail = `Graph API ${input.status}${code !== undefined ? ` (code ${code}${subcode ? `/${subcode}` : ''})` : ''}: ${input.error?.message ?? 'no error body'}`;
  if (input.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    const seconds = Number(input.retryAfter);
    return new RetryableSendError(detail, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined, code);
  }
  if (input.status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code)))
    return new RetryableSendError(detail, undefined, code);
  switch (code) {
    case 10:
      return new PermanentSendError(
        subcode === WINDOW_CLOSED_SUBCODE ? 'window-closed' : 'permission-denied',
        detail,
        code,
      );
    case 551:
      return new PermanentSendError('recipient-unavailable', detail, code);
    case 190:
      return new PermanentSendError('invalid-token', detail, code);
    case 100:
      return new PermanentSendError('invalid-parameter', detail, code);
    default:
      return new PermanentSendError('rejected', detail, code);
  }
}
