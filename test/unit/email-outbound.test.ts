import { startSmtp } from '../fakes/fake-smtp-server';
import { replySubject, sendEmailReply, type EmailReply } from '../../channels/email/email-outbound';
import { PermanentSendError, RetryableSendError } from '../../channels/send-errors';

const reply = (port: number, overrides: Partial<EmailReply> = {}): EmailReply => ({
  transport: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
  from: 'Vela Support <support@velacam.example>',
  to: 'ada.lovelace@gmail.com',
  subject: replySubject({ subject: 'Re: Vela Cam 2 stops recording at night', caseNumber: 1042 }),
  text: 'Hi Ada, a fix is on its way.',
  inReplyTo: '<CAFx9kQ3rP8tM1w4-reply-Yb2e@mail.gmail.com>',
  references: ['<CAFx9kQ2nE7sL0v3-new-ticket-Zq1w@mail.gmail.com>', '<CAFx9kQ3rP8tM1w4-reply-Yb2e@mail.gmail.com>'],
  replyTo: 'support+q7Xc2LmN9pRt4VwZ8aBd3EfG@velacam.example',
  bounceAddress: 'bounces@velacam.example',
  ...overrides,
});

describe('sendEmailReply', () => {
  it('sends a threaded human reply with our Message-ID and the reply token', async () => {
    const smtp = await startSmtp();
    try {
      const { messageId } = await sendEmailReply(reply(smtp.port));
      expect(messageId).toMatch(/^<[0-9a-f-]{36}@velacam\.example>$/);
      const [{ mail, envelopeFrom }] = smtp.received;
      expect(mail.messageId).toBe(messageId);
      expect(mail.inReplyTo).toBe('<CAFx9kQ3rP8tM1w4-reply-Yb2e@mail.gmail.com>');
      expect(mail.references).toEqual([
        '<CAFx9kQ2nE7sL0v3-new-ticket-Zq1w@mail.gmail.com>',
        '<CAFx9kQ3rP8tM1w4-reply-Yb2e@mail.gmail.com>',
      ]);
      expect(mail.replyTo?.value[0].address).toBe('support+q7Xc2LmN9pRt4VwZ8aBd3EfG@velacam.example');
      expect(mail.subject).toBe('Re: Vela Cam 2 stops recording at night [#1042]');
      expect(mail.headers.has('auto-submitted')).toBe(false);
      expect(envelopeFrom).toBe('bounces@velacam.example');
    } finally {
      await smtp.close();
    }
  });

  it('keeps a Message-ID chosen before sending, as a retry must', async () => {
    const smtp = await startSmtp();
    try {
      const { messageId } = await sendEmailReply(
        reply(smtp.port, {
          messageId: '<stored-1@velacam.example>',
          transport: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`,
        }),
      );
      expect(messageId).toBe('<stored-1@velacam.example>');
      expect(smtp.received[0].mail.messageId).toBe('<stored-1@velacam.example>');
    } finally {
      await smtp.close();
    }
  });

  it('turns SMTP 5xx into a PermanentSendError and 4xx into a RetryableSendError', async () => {
    const rejecting = await startSmtp({ code: 550, message: '5.1.1 mailbox unavailable' });
    const busy = await startSmtp({ code: 451, message: '4.7.1 try again later' });
    try {
      const permanent = await sendEmailReply(reply(rejecting.port)).catch((error: unknown) => error);
      expect(permanent).toBeInstanceOf(PermanentSendError);
      expect((permanent as PermanentSendError).code).toBe('smtp-550');
      await expect(sendEmailReply(reply(busy.port))).rejects.toBeInstanceOf(RetryableSendError);
    } finally {
      await Promise.all([rejecting.close(), busy.close()]);
    }
  });

  it('treats a refused connection as retryable', async () => {
    const smtp = await startSmtp();
    await smtp.close();
    await expect(sendEmailReply(reply(smtp.port))).rejects.toBeInstanceOf(RetryableSendError);
  });
});

describe('replySubject', () => {
  it('does not pile up prefixes or tags', () => {
    expect(replySubject({ subject: 'RE: Re: Camera [#7]', caseNumber: 7 })).toBe('Re: Camera [#7]');
    expect(replySubject({ subject: 'Camera', caseNumber: 7 })).toBe('Re: Camera [#7]');
  });
});
