import { proxyActivities } from '@temporalio/workflow';
import type { ReplyDeliveryActivities } from '../activities/reply-delivery.activities';
import type { QueuedReply } from './case.contract';
import type { CaseWork } from './case-work';
import { OutboundQueue } from './outbound-queue';
import type { MessagingTag } from '../domain/case.model';

// A round: a few quick tries (Retry-After honoured). Outages wait between rounds in the queue.
const delivery = proxyActivities<ReplyDeliveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['MessageNotFound'],
  },
});
// Marking the failure is a write to PostgreSQL: it waits out an outage, as the case's own writes do.
const marking = proxyActivities<ReplyDeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The case's replies, sent in the order agents wrote them. The activity never sends a message it has
 * already sent (it checks the stored delivery status), so a reply carried into the next run is safe
 * to send again; a refusal the provider gives is shown on the message and on the case's timeline.
 */
export class ReplySender {
  private readonly queue: OutboundQueue<{ messagingTag: MessagingTag | null }>;

  constructor(input: { orgId: string; carried: QueuedReply[]; work: CaseWork; failed: (reason: string) => void }) {
    this.queue = new OutboundQueue({
      kind: 'reply',
      carried: input.carried,
      work: input.work,
      send: async ({ key, payload }) => {
        const outcome = await delivery.deliverReply({
          orgId: input.orgId,
          messageId: key,
          messagingTag: payload.messagingTag,
        });
        if (outcome.status === 'failed') input.failed(outcome.reason);
      },
      giveUp: async ({ key }, reason) => {
        await input.work.call(() => marking.markReplyFailed({ orgId: input.orgId, messageId: key, reason }));
        input.failed(reason);
      },
    });
  }

  send(reply: { messageId: string; messagingTag: MessagingTag | null }): void {
    this.queue.enqueue({ key: reply.messageId, payload: { messagingTag: reply.messagingTag } });
  }

  resume(): void {
    this.queue.resume();
  }

  get isEmpty(): boolean {
    return this.queue.isEmpty;
  }

  carry(): QueuedReply[] {
    return this.queue.carry();
  }
}
