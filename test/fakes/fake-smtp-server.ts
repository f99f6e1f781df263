import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A real SMTP server on 127.0.0.1 that keeps what it receives, or refuses it with `refuse`. */
export async function startSmtp(refuse?: { code: number; message: string }) {
  const received: Array<{ mail: ParsedMail; envelopeFrom: string | false }> = [];
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refuse) {
          callback(Object.assign(new Error(refuse.message), { responseCode: refuse.code }));
          return;
        }
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push({ mail, envelopeFrom: session.envelope.mailFrom && session.envelope.mailFrom.address });
          callback();
        }, callback);
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
