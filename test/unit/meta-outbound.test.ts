import { FakeGraph, graphError } from '../fakes/fake-graph-api';
import { replyToComment, sendMetaMessage } from '../../channels/meta/meta-outbound';
import { PermanentSendError, RetryableSendError } from '../../channels/send-errors';

describe('sendMetaMessage', () => {
  let graph: FakeGraph;
  beforeAll(async () => {
    graph = await FakeGraph.start();
  });
  afterAll(async () => {
    await graph.stop();
  });
  beforeEach(() => {
    graph.requests.length = 0;
  });

  const send = (overrides: Partial<Parameters<typeof sendMetaMessage>[0]> = {}) =>
    sendMetaMessage({
      graphUrl: graph.url,
      graphVersion: 'v21.0',
      pageAccessToken: 'EAAG-page-token',
      accountId: '104518392019377',
      recipient: { id: '7261539042837491' },
      text: 'We are on it!',
      messagingTag: null,
      ...overrides,
    });

  it('posts a RESPONSE to the page’s messages edge and returns the message id', async () => {
    graph.next = { status: 200, body: { recipient_id: '7261539042837491', message_id: 'm_sent123' } };
    await expect(send()).resolves.toEqual({ providerMessageId: 'm_sent123' });
    expect(graph.requests).toEqual([
      {
        method: 'POST',
        path: '/v21.0/104518392019377/messages',
        authorization: 'Bearer EAAG-page-token',
        body: { recipient: { id: '7261539042837491' }, messaging_type: 'RESPONSE', message: { text: 'We are on it!' } },
      },
    ]);
  });

  it('sends a human reply after the window with the HUMAN_AGENT tag, and private replies by comment id', async () => {
    graph.next = { status: 200, body: { recipient_id: '7261539042837491', message_id: 'm_tagged' } };
    await send({ messagingTag: 'HUMAN_AGENT' });
    await send({ recipient: { comment_id: '17865799348089039' } });
    expect(graph.requests[0].body).toEqual({
      recipient: { id: '7261539042837491' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'We are on it!' },
    });
    expect(graph.requests[1].body.recipient).toEqual({ comment_id: '17865799348089039' });
  });

  it.each([
    [
      graphError(10, '(#10) This message is sent outside of allowed window.', 'OAuthException', 2018278),
      'window-closed',
    ],
    [graphError(551, "(#551) This person isn't available right now."), 'recipient-unavailable'],
    [graphError(190, 'Invalid OAuth access token - Cannot parse access token'), 'invalid-token'],
    [graphError(100, '(#100) The parameter recipient is required', 'OAuthException', 2018001), 'invalid-parameter'],
  ])('classifies a Graph error as permanent: %# (%s)', async (body, code) => {
    graph.next = { status: 400, body };
    const error = await send().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).code).toBe(code);
  });

  it.each([
    [
      {
        status: 429,
        body: graphError(613, 'Calls to this API have exceeded the rate limit.'),
        headers: { 'retry-after': '30' },
      },
      30_000,
    ],
    [{ status: 400, body: graphError(4, 'Application request limit reached') }, undefined],
    [
      { status: 500, body: graphError(2, 'An unexpected error has occurred. Please retry your request later.') },
      undefined,
    ],
    [{ status: 503, body: 'upstream down' }, undefined],
  ])('classifies a rate limit or outage as retryable: %#', async (reply, retryAfterMs) => {
    graph.next = reply;
    const error = await send().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableSendError);
    expect((error as RetryableSendError).retryAfterMs).toBe(retryAfterMs);
  });

  it('treats a network failure as retryable', async () => {
    await expect(send({ graphUrl: 'http://127.0.0.1:1' })).rejects.toBeInstanceOf(RetryableSendError);
  });
});

describe('replyToComment', () => {
  let graph: FakeGraph;
  beforeAll(async () => {
    graph = await FakeGraph.start();
  });
  afterAll(async () => {
    await graph.stop();
  });

  it('replies under an Instagram comment with /replies and a Facebook comment with /comments', async () => {
    graph.next = { status: 200, body: { id: '17873440459141021' } };
    const target = {
      graphUrl: graph.url,
      graphVersion: 'v21.0',
      pageAccessToken: 'EAAG-page-token',
      text: 'Yes, it does!',
    };
    await expect(replyToComment({ ...target, channel: 'instagram', commentId: '17865799348089039' })).resolves.toEqual({
      providerCommentId: '17873440459141021',
    });
    await replyToComment({ ...target, channel: 'facebook', commentId: '122101234567890123_1098765432109876' });
    expect(graph.requests.map((request) => [request.path, request.body])).toEqual([
      ['/v21.0/17865799348089039/replies', { message: 'Yes, it does!' }],
      ['/v21.0/122101234567890123_1098765432109876/comments', { message: 'Yes, it does!' }],
    ]);
  });
});
