import { randomUUID } from 'node:crypto';
import { signMetaBody } from '../../channels/meta/meta-signature';

export interface SentMessage {
  mid: string;
  customerId: string;
  at: number;
  acknowledged: boolean;
}

export interface MinuteTraffic {
  sent: number;
  acknowledged: number;
  refusedAttempts: number;
  /** Milliseconds of each first delivery attempt. */
  latencies: number[];
}

/**
 * Instagram DMs, signed as Meta signs them, at a steady rate; each one redelivered until it is
 * acknowledged, as Meta does. Latency is the first attempt's: what the provider waits.
 */
export class SoakTraffic {
  readonly messages: SentMessage[] = [];
  private minute: MinuteTraffic = emptyMinute();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly target: { apiUrl: string; appSecret: string; accountId: string; customers: number }) {}

  /** Sends at `perSecond` until `until` (epoch ms); call takeMinute() meanwhile to sample. */
  async run(input: { perSecond: number; until: number }): Promise<void> {
    const gapMs = 1000 / input.perSecond;
    const started = Date.now();
    for (let index = 0; Date.now() < input.until; index += 1) {
      const delivery = this.deliver(index).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
      const nextAt = started + (index + 1) * gapMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - Date.now())));
    }
    await Promise.all([...this.inFlight]);
  }

  takeMinute(): MinuteTraffic {
    const taken = this.minute;
    this.minute = emptyMinute();
    return taken;
  }

  private async deliver(index: number): Promise<void> {
    const customerId = `soak-customer-${index % this.target.customers}`;
    const message: SentMessage = { mid: `soak.${randomUUID()}`, customerId, at: Date.now(), acknowledged: false };
    this.messages.push(message);
    this.minute.sent += 1;
    const body = Buffer.from(
      JSON.stringify({
        object: 'instagram',
        entry: [
          {
            time: message.at,
            id: this.target.accountId,
            messaging: [
              {
                sender: { id: customerId },
                recipient: { id: this.target.accountId },
                timestamp: message.at,
                message: { mid: message.mid, text: `soak message ${index}` },
              },
            ],
          },
        ],
      }),
    );
    const signature = signMetaBody({ appSecret: this.target.appSecret, rawBody: body });
    for (let attempt = 0, delay = 500; attempt < 20; attempt += 1, delay = Math.min(delay * 2, 8_000)) {
      const started = Date.now();
      const status = await fetch(`${this.target.apiUrl}/webhooks/meta`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
        signal: AbortSignal.timeout(30_000),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (attempt === 0) this.minute.latencies.push(Date.now() - started);
      if (status >= 200 && status < 300) {
        message.acknowledged = true;
        this.minute.acknowledged += 1;
        return;
      }
      this.minute.refusedAttempts += 1;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function emptyMinute(): MinuteTraffic {
  return { sent: 0, acknowledged: 0, refusedAttempts: 0, latencies: [] };
}
