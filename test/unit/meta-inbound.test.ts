import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MetaPayloadError, parseMetaWebhook } from '../../channels/meta/meta-inbound';
import { signMetaBody, verifyMetaSignature } from '../../channels/meta/meta-signature';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, '../fixtures/meta', `${name}.json`));
const parse = (name: string) => parseMetaWebhook(JSON.parse(fixture(name).toString('utf8'))).events;

describe('parseMetaWebhook', () => {
  it('normalizes a Messenger text message', () => {
    expect(parse('messenger-text')).toEqual([
      {
        accountId: '104518392019377',
        channel: 'facebook',
        sender: { id: '7261539042837491', name: null },
        providerMessageId: expect.stringMatching(/^m_AbC9/),
        kind: 'message',
        text: 'Hi, my order #4471 arrived damaged. Can you help?',
        attachments: [],
        occurredAt: new Date(1732608000001),
        threadRef: 'facebook:104518392019377:7261539042837491',
        subject: 'Messenger message',
        metadata: { accountId: '104518392019377' },
      },
    ]);
  });

  it("keeps attachments on Meta's CDN as links, any other address as plain text, with a placeholder body", () => {
    const [event] = parse('messenger-attachments');
    expect(event.attachments).toEqual([
      { kind: 'image', url: expect.stringContaining('fbcdn.net') },
      { kind: 'link', url: null, name: expect.stringContaining('l.facebook.com') },
    ]);
    expect(event.text).toBe('[image] [link]');
  });

  it.each(['messenger-echo', 'messenger-delivery', 'messenger-read', 'instagram-seen'])('skips %s', (name) => {
    expect(parse(name)).toEqual([]);
  });

  it('normalizes an Instagram DM', () => {
    expect(parse('instagram-dm')).toEqual([
      expect.objectContaining({
        accountId: '17841400000000001',
        channel: 'instagram',
        sender: { id: '1129384756473829', name: null },
        kind: 'message',
        threadRef: 'instagram:17841400000000001:1129384756473829',
        subject: 'Instagram message',
        occurredAt: new Date(1732609000050),
      }),
    ]);
  });

  it('normalizes an Instagram comment into a comment thread keyed by media and root comment', () => {
    expect(parse('instagram-comment')).toEqual([
      expect.objectContaining({
        accountId: '17841400000000001',
        channel: 'instagram',
        sender: { id: '1129384756473829', name: 'maria.k' },
        providerMessageId: 'comment:17865799348089039',
        kind: 'comment',
        text: 'Does this work with the old mount?',
        threadRef: 'instagram-comment:18017436578123456:17865799348089039',
        subject: 'Comment on post 18017436578123456',
        occurredAt: new Date(1732609500 * 1000),
        metadata: expect.objectContaining({
          mediaId: '18017436578123456',
          commentId: '17865799348089039',
          parentId: null,
        }),
      }),
    ]);
  });

  it('threads an Instagram reply under its root comment and ignores the account’s own replies', () => {
    const payload = JSON.parse(fixture('instagram-comment').toString('utf8'));
    const value = payload.entry[0].changes[0].value;
    payload.entry[0].changes.push(
      {
        field: 'comments',
        value: { ...value, id: '17900000000000002', parent_id: value.id, text: 'Also, which size?' },
      },
      {
        field: 'comments',
        value: {
          ...value,
          id: '17900000000000003',
          parent_id: value.id,
          from: { id: '17841400000000001', username: 'vela' },
        },
      },
    );
    const events = parseMetaWebhook(payload).events;
    expect(events.map((event) => event.threadRef)).toEqual([
      'instagram-comment:18017436578123456:17865799348089039',
      'instagram-comment:18017436578123456:17865799348089039',
    ]);
  });

  it('normalizes a Page feed comment and ignores edits, removals and the page’s own comments', () => {
    const events = parse('page-feed-comment');
    expect(events).toEqual([
      expect.objectContaining({
        accountId: '104518392019377',
        channel: 'facebook',
        sender: { id: '6938471029384756', name: 'Jonas Berg' },
        providerMessageId: 'comment:122101234567890123_1098765432109876',
        kind: 'comment',
        threadRef: 'facebook-comment:104518392019377_122101234567890123:122101234567890123_1098765432109876',
        subject: 'Comment on post 104518392019377_122101234567890123',
        occurredAt: new Date(1732609799 * 1000),
      }),
    ]);
    const payload = JSON.parse(fixture('page-feed-comment').toString('utf8'));
    const value = payload.entry[0].changes[0].value;
    payload.entry[0].changes = [
      { field: 'feed', value: { ...value, verb: 'edited' } },
      { field: 'feed', value: { ...value, verb: 'remove' } },
      { field: 'feed', value: { ...value, comment_id: 'x_2', from: { id: '104518392019377', name: 'Vela' } } },
    ];
    expect(parseMetaWebhook(payload).events).toEqual([]);
  });

  it('orders a batch by timestamp and ignores standby and status events', () => {
    expect(parse('batch').map((event) => event.text)).toEqual([
      'First: my package never arrived',
      'Second: also, the charger is missing',
    ]);
  });

  it('skips malformed entries but rejects bodies that are not Meta webhooks', () => {
    expect(
      parseMetaWebhook({ object: 'page', entry: [null, 42, { id: 7 }, { id: '1', messaging: [{ sender: {} }, 'x'] }] })
        .events,
    ).toEqual([]);
    for (const body of [
      null,
      [],
      'page',
      { object: 'whatsapp_business_account', entry: [] },
      { object: 'page' },
      { entry: [] },
    ]) {
      expect(() => parseMetaWebhook(body)).toThrow(MetaPayloadError);
    }
  });

  it('never throws anything but MetaPayloadError, whatever JSON arrives', () => {
    const messagingLike = fc.record(
      {
        sender: fc.record({ id: fc.string() }),
        recipient: fc.record({ id: fc.string() }),
        timestamp: fc.oneof(fc.integer(), fc.double()),
        message: fc.option(
          fc.record(
            { mid: fc.string(), text: fc.option(fc.string()), attachments: fc.array(fc.jsonValue()) },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const envelopeLike = fc.record({
      object: fc.constantFrom('page', 'instagram', 'user'),
      entry: fc.array(
        fc.record(
          {
            id: fc.string(),
            time: fc.jsonValue(),
            messaging: fc.array(messagingLike),
            changes: fc.array(fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
      ),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), envelopeLike), (payload) => {
        try {
          const { events } = parseMetaWebhook(payload);
          for (const event of events) expect(Number.isNaN(event.occurredAt.getTime())).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(MetaPayloadError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('verifyMetaSignature', () => {
  const appSecret = 'test-app-secret-123';
  const rawBody = fixture('instagram-dm');

  it('accepts the signature of the exact bytes', () => {
    expect(verifyMetaSignature({ appSecret, rawBody, header: signMetaBody({ appSecret, rawBody }) })).toBe(true);
  });

  it('rejects other bytes, other secrets, and missing or malformed headers', () => {
    const header = signMetaBody({ appSecret, rawBody });
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8')), null, 1));
    expect(verifyMetaSignature({ appSecret, rawBody: reserialized, header })).toBe(false);
    expect(verifyMetaSignature({ appSecret: 'another-secret', rawBody, header })).toBe(false);
    expect(verifyMetaSignature({ appSecret: undefined, rawBody, header })).toBe(false);
    for (const bad of [
      undefined,
      '',
      'sha256=',
      'sha1=abc',
      header.replace('sha256=', ''),
      `${header}00`,
      'sha256=zz',
    ]) {
      expect(verifyMetaSignature({ appSecret, rawBody, header: bad })).toBe(false);
    }
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        expect(typeof verifyMetaSignature({ appSecret, rawBody, header })).toBe('boolean');
      }),
    );
  });
});
