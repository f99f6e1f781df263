import { Client, Connection } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ingestCustomerMessage } from '../../app/ingest/ingest-customer-message';
import type { InboundMessage } from '../../db/cases/record-inbound-message';

const MINUTE = 60_000;

/** A few cases through the real ingest path, so the inbox and the Temporal UI have something to show. */
export async function seedDemoCases(input: {
  orm: MikroORM;
  temporalAddress: string;
  taskQueue: string;
  orgSlug: string;
}): Promise<number> {
  const organizations: Array<{ id: string }> = await input.orm.em
    .fork()
    .execute(`select id from organizations where slug = ?`, [input.orgSlug]);
  const orgId = organizations[0].id;
  const now = Date.now();
  const messages: InboundMessage[] = [
    {
      orgId,
      channel: 'instagram',
      sender: { externalId: '6254841917913457', name: 'maria.kowalski' },
      threadRef: 'instagram:demo:6254841917913457',
      subject: 'Instagram message',
      body: 'Hi! My Vela Cam 2 stopped recording at night since the last update. Can you help?',
      providerMessageId: 'demo-ig-1',
      occurredAt: new Date(now - 30 * MINUTE),
    },
    {
      orgId,
      channel: 'facebook',
      sender: { externalId: '7102938475610293', name: 'Tom Becker' },
      threadRef: 'facebook:demo:7102938475610293',
      subject: 'Messenger message',
      body: 'Where is my order #48213? Tracking has not moved for 5 days.',
      providerMessageId: 'demo-fb-1',
      occurredAt: new Date(now - 90 * MINUTE),
    },
    {
      orgId,
      channel: 'email',
      sender: { externalId: 'li.wei@example.com', name: 'Li Wei', email: 'li.wei@example.com' },
      threadRef: null,
      subject: 'Charged twice for my Thermo S',
      body: 'Hello, I was charged twice (2 x $129) for order 48190. Please refund one of them.',
      providerMessageId: '<CAF=demo-email-1@mail.example.com>',
      rfcMessageId: '<CAF=demo-email-1@mail.example.com>',
      occurredAt: new Date(now - 4 * 60 * MINUTE),
    },
  ];
  const connection = await Connection.connect({ address: input.temporalAddress });
  try {
    const temporal = { client: new Client({ connection }), taskQueue: input.taskQueue };
    for (const message of messages) await ingestCustomerMessage({ orm: input.orm, temporal, message });
    return messages.length;
  } finally {
    await connection.close();
  }
}
