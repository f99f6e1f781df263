import type { CaseNotification } from '../domain/case-notifications';

interface QueuedNotification {
  notification: CaseNotification;
  version: number;
}

/**
 * Notifications go out one at a time, in order. While one is being sent, a burst of customer
 * messages collapses into a single pending "customer replied": the team needs to know, not count.
 */
export class TeamNotifier {
  private readonly queue: QueuedNotification[] = [];
  private sending = false;

  constructor(private readonly send: (queued: QueuedNotification) => Promise<void>, private readonly startInBackground: (work: Promise<void>) => void) {}

  enqueue(notification: CaseNotification, version: number): void {
    const pendingSameKind = this.queue.find((queued) => queued.notification.kind === notification.kind && notification.kind === 'customer_reply');
    if (pendingSameKind) pendingSameKind.version = version;
    else this.queue.push({ notification, version });
    if (!this.sending) this.startInBackground(this.drain());
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.send(next);
    } finally {
      this.sending = false;
    }
  }
}
