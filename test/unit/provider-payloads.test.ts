import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMetaWebhook } from '../../channels/meta/meta-inbound';
import { verifyMetaSignature } from '../../channels/meta/meta-signature';
import { metaCommentBody, metaHeaders, metaMessageBody } from '../../scripts/fixtures/provider-payloads/meta-payloads';

const recorded = (name: string) =>
  parseMetaWebhook(JSON.parse(readFileSync(join(__dirname, '../fixtures/meta', `${name}.json`), 'utf8'))).events;
const built = (body: Buffer) => parseMetaWebhook(JSON.parse(body.toString('utf8'))).events;
/** What the builders cannot know of a recording: when it was sent. */
const timeless = <T extends { occurredAt: Date }>(events: T[]) => {
  expect(events).toHaveLength(1);
  return events.map(({ occurredAt: _, ...event }) => event);
};

/** The payload builders the tests and the bench share read as the providers' recorded deliveries do. */
describe('provider payload builders', () => {
  it('builds an Instagram comment as Meta records it', () => {
    const body = metaCommentBody({
      channel: 'instagram',
      accountId: '17841400000000001',
      commentId: '17865799348089039',
      text: 'Does this work with the old mount?',
    });
    expect(timeless(built(body))).toEqual(timeless(recorded('instagram-comment')));
  });

  it('builds a Facebook page comment as Meta records it', () => {
    const body = metaCommentBody({
      channel: 'facebook',
      accountId: '104518392019377',
      commentId: '122101234567890123_1098765432109876',
      fromId: '6938471029384756',
      text: 'Is the Cam 2 back in stock?',
    });
    expect(timeless(built(body))).toEqual(timeless(recorded('page-feed-comment')));
  });

  it('builds a Messenger message with a signature the API verifies', () => {
    const body = metaMessageBody({ channel: 'facebook', accountId: '1045', mid: 'm_1', text: 'hi', senderId: '73' });
    const signature = metaHeaders({ body, appSecret: 'secret' })['x-hub-signature-256'];
    expect(verifyMetaSignature({ appSecret: 'secret', rawBody: body, header: signature })).toBe(true);
    expect(built(body)).toEqual([expect.objectContaining({ channel: 'facebook', kind: 'message', text: 'hi' })]);
  });
});
