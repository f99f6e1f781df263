import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { nextRoundDelayMs, type OutboundKind } from '../domain/outbound-retries';
import { CaseWork, describeFailure } from './case-work';

/** One thing to send, with its idempotency key; continue-as-new carries it as it is. */
export interface QueuedOutbound<Payload> {
  key: string;
  payload: Payload;
  failedRounds: number;
}

/**
 * Sends in order, one at a time. A round is one activity call with its own quick retries; when it
 * fails, the queue waits on a timer for the next round (see domain/outbound-retries). What is still
 * queued, mid-wait included, travels to the next run with `carry()`, so an outage of hours never
 * holds continue-as-new back, and the idempotency key keeps a resent item from arriving twice.
 */
export class OutboundQueue<Payload> {
  private readonly items: Array<QueuedOutbound<Payload>>;
  private draining = false;

  constructor(
    private readonly options: {
      kind: OutboundKind;
      carried: Array<QueuedOutbound<Payload>>;
      work: CaseWork;
      send: (item: QueuedOutbound<Payload>) => Promise<void>;
      /** The last round failed, or the failure is permanent: the item leaves the queue. */
      giveUp: (item: QueuedOutbound<Payload>, reason: string) => Promise<void> | void;
    },
  ) {
    this.items = options.carried.map((item) => ({ ...item }));
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Queues an item, unless `mergeInto` finds a queued, never-tried one that covers it. */
  enqueue(item: { key: string; payload: Payload }, mergeInto?: (queued: QueuedOutbound<Payload>) => boolean): void {
    const notTried = this.items.filter((queued, index) => queued.failedRounds === 0 && !(index === 0 && this.draining));
    const covering = mergeInto ? notTried.find(mergeInto) : undefined;
    if (covering) Object.assign(covering, item);
    else this.items.push({ ...item, failedRounds: 0 });
    this.resume();
  }

  /** Starts sending what a previous run left queued. */
  resume(): void {
    if (this.draining || this.items.length === 0) return;
    this.draining = true;
    this.options.work.start({
      name: `${this.options.kind} queue`,
      work: () => this.drain(),
      onFailure: () => {
        this.draining = false;
      },
    });
  }

  carry(): Array<QueuedOutbound<Payload>> {
    return this.items.map((item) => ({ ...item }));
  }

  private async drain(): Promise<void> {
    try {
      for (let head = this.items[0]; head; head = this.items[0]) {
        try {
          await this.options.work.call(() => this.options.send(head));
          this.items.shift();
        } catch (error) {
          head.failedRounds += 1;
          const delay = isPermanent(error)
            ? null
            : nextRoundDelayMs({ kind: this.options.kind, failedRounds: head.failedRounds });
          if (delay === null) {
            this.items.shift();
            await this.options.giveUp(head, describeFailure(error));
          } else {
            await sleep(delay);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

function isPermanent(error: unknown): boolean {
  return (
    error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable === true
  );
}
