import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EmailPayloadError,
  parsePostmarkInbound,
  parseRawEmail,
  stripQuotedHistory,
} from '../../channels/email/email-parse';
import { caseNumbersIn, replyTokenOf } from '../../channels/email/email-threading';
import { isAutomatedEmail } from '../../domain/email-loop-rules';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/email', name));
const OWN = ['support@velacam.example'];

describe('parseRawEmail', () => {
  it('normalizes a new Gmail message with text, html and an attachment', async () => {
    const email = await parseRawEmail(fixture('gmail-new.eml'));
    expect(email).toMatchObject({
      messageId: '<CAFx9kQ2nE7sL0v3-new-ticket-Zq1w@mail.gmail.com>',
      inReplyTo: null,
      references: [],
      from: { address: 'ada.lovelace@gmail.com', name: 'Ada Lovelace' },
      to: [{ address: 'support@velacam.example', name: 'Vela Support' }],
      subject: 'Vela Cam 2 stops recording at night',
      attachments: [{ filename: 'offline.png', contentType: 'image/png', size: expect.any(Number) }],
    });
    expect(email.text).toContain('stops recording every night');
    expect(email.html).toContain('<div dir="ltr">');
    expect(email.strippedText).toBe(email.text.trim());
    expect(email.date?.toISOString()).toBe('2026-11-24T17:13:52.000Z');
  });

  it('reads threading headers and strips the quoted history of a reply, keeping the original', async () => {
    const email = await parseRawEmail(fixture('gmail-reply.eml'));
    expect(email.inReplyTo).toBe('<4f1c2a9e-7d3b-4c55-9a61-0b8e2f6d1c77@velacam.example>');
    expect(email.references).toEqual([
      '<CAFx9kQ2nE7sL0v3-new-ticket-Zq1w@mail.gmail.com>',
      '<4f1c2a9e-7d3b-4c55-9a61-0b8e2f6d1c77@velacam.example>',
    ]);
    expect(email.strippedText).toBe('I updated to 4.3.0 last night and it still went offline at 2:07.');
    expect(email.text).toContain('> could you update the firmware');
  });

  it('survives Outlook’s broken References and cuts at "-----Original Message-----"', async () => {
    const email = await parseRawEmail(fixture('outlook-reply.eml'));
    expect(email.from.address).toBe('ada.lovelace@gmail.com');
    expect(email.to[0].address).toBe('support+q7Xc2LmN9pRt4VwZ8aBd3EfG@velacam.example');
    expect(email.inReplyTo).toBeNull();
    expect(email.strippedText).toBe('Sorry, one more thing: it also happens on my second camera.\n\nAda');
    expect(email.headers['thread-index']).toBe('AQHbPk3xVmZ2c1y0K0a8yR1vH2pE7w==');
  });

  it('turns broken MIME into an EmailPayloadError instead of crashing', async () => {
    await expect(parseRawEmail(fixture('broken-mime.eml'))).rejects.toBeInstanceOf(EmailPayloadError);
    await expect(parseRawEmail(Buffer.alloc(0))).rejects.toBeInstanceOf(EmailPayloadError);
    await expect(parseRawEmail(Buffer.from('not an email at all'))).rejects.toBeInstanceOf(EmailPayloadError);
  });

  it('parses a multipart whose closing boundary never came', async () => {
    const truncated = fixture('gmail-new.eml')
      .toString('latin1')
      .split('--000000000000a1b2c3d4e5f60718\r\nContent-Type: image/png')[0];
    const email = await parseRawEmail(Buffer.from(truncated, 'latin1'));
    expect(email.text).toContain('Firmware is 4.2.1');
  });
});

describe('parsePostmarkInbound', () => {
  it('maps Postmark’s JSON to the same shape, with the RFC ids from Headers', () => {
    const email = parsePostmarkInbound(JSON.parse(fixture('postmark-inbound.json').toString('utf8')));
    expect(email).toMatchObject({
      messageId: '<CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG+5AXUovfEFL6DjWBJSyZaA@mail.example.org>',
      inReplyTo: '<a1b2c3d4-0000-4000-8000-000000000001@velacam.example>',
      references: ['<a1b2c3d4-0000-4000-8000-000000000001@velacam.example>'],
      from: { address: 'grace.hopper@example.org', name: 'Grace Hopper' },
      to: [{ address: 'support+pm@velacam.example', name: 'Vela Support' }],
      subject: 'Doorbell chime not ringing',
      strippedText: 'Hi,\n\nthe indoor chime stopped ringing after the update.',
      attachments: [{ filename: 'chime.jpg', contentType: 'image/jpeg', size: 83 }],
    });
    expect(email.text).toContain('> Our new firmware is out.');
  });

  it('rejects a payload without a sender', () => {
    expect(() => parsePostmarkInbound({ Subject: 'x' })).toThrow(EmailPayloadError);
    expect(() => parsePostmarkInbound('nope')).toThrow(EmailPayloadError);
  });
});

describe('stripQuotedHistory', () => {
  it('handles a wrapped Gmail attribution and keeps text without history', () => {
    expect(
      stripQuotedHistory(
        'Thanks!\n\nOn Tue, Nov 24, 2026 at 7:30 PM Vela Support <support@\nvelacam.example> wrote:\n> hi',
      ),
    ).toBe('Thanks!');
    expect(stripQuotedHistory('Just text.')).toBe('Just text.');
  });
});

describe('threading helpers', () => {
  it('reads the reply token and subject tags', () => {
    expect(replyTokenOf('support+abc_DEF-1@velacam.example')).toBe('abc_DEF-1');
    expect(replyTokenOf('support@velacam.example')).toBeNull();
    expect(caseNumbersIn('Re: Re: Camera [#42] and [#7] [#42]')).toEqual([42, 7]);
    expect(caseNumbersIn('Order #42')).toEqual([]);
  });
});

describe('isAutomatedEmail', () => {
  const loopOf = async (name: string) => {
    const email = await parseRawEmail(fixture(name));
    return isAutomatedEmail(email.headers, email.from.address, OWN);
  };

  it('lets a person’s mail through', async () => {
    for (const name of ['gmail-new.eml', 'gmail-reply.eml', 'outlook-reply.eml', 'subject-tag-reply.eml']) {
      expect(await loopOf(name)).toEqual({ automated: false });
    }
  });

  it('flags an auto-reply, a bounce and a newsletter', async () => {
    expect(await loopOf('auto-reply.eml')).toEqual({ automated: true, reason: 'auto-submitted: auto-replied' });
    expect((await loopOf('bounce.eml')).automated).toBe(true);
    expect(await loopOf('newsletter.eml')).toEqual({ automated: true, reason: 'precedence: bulk' });
  });

  it.each([
    [{ 'auto-submitted': 'auto-generated' }, 'x@y.example'],
    [{ 'return-path': '<>' }, 'x@y.example'],
    [{ precedence: 'junk' }, 'x@y.example'],
    [{ precedence: 'auto_reply' }, 'x@y.example'],
    [{ 'list-id': '<users.lists.example>' }, 'x@y.example'],
    [{ 'list-unsubscribe': '<mailto:u@y.example>' }, 'x@y.example'],
    [{ 'x-autorespond': 'yes' }, 'x@y.example'],
    [{ 'content-type': 'multipart/report; report-type="delivery-status"; boundary=b' }, 'x@y.example'],
    [{}, 'MAILER-DAEMON@mx.example'],
    [{}, 'postmaster@mx.example'],
    [{}, 'no-reply@shop.example'],
    [{}, 'noreply@shop.example'],
    [{}, 'Support+q7Xc@VelaCam.example'],
  ])('flags %j from %s', (headers, from) => {
    expect(isAutomatedEmail(headers, from, OWN).automated).toBe(true);
  });

  it.each([
    [{ 'auto-submitted': 'no' }],
    [{ precedence: 'first-class' }],
    [{ 'return-path': '<ada@example.org>' }],
    [{ 'content-type': 'multipart/report; report-type=disposition-notification' }],
  ])('lets %j through', (headers) => {
    expect(isAutomatedEmail(headers, 'ada@example.org', OWN)).toEqual({ automated: false });
  });
});
