import { performance } from 'node:perf_hooks';
import type { FakeSlackApi } from '../../test/fakes/fake-slack-api';

/**
 * When each case's announcement reached the fake Slack. The worker posts the new-case message only
 * after the case is categorized, routed and persisted, so its arrival marks a case fully processed.
 * The fake keeps every call in order; reading new ones every few milliseconds bounds the error.
 */
export class AnnouncementTracker {
  private readonly announcedAt = new Map<string, number>();
  private cursor = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly slack: FakeSlackApi) {
    this.timer = setInterval(() => this.collect(), 5);
  }

  get count(): number {
    this.collect();
    return this.announcedAt.size;
  }

  /** performance.now() of the announcement, or undefined when the case has not been announced. */
  at(caseId: string): number | undefined {
    this.collect();
    return this.announcedAt.get(caseId);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private collect(): void {
    const now = performance.now();
    for (; this.cursor < this.slack.calls.length; this.cursor += 1) {
      const call = this.slack.calls[this.cursor];
      const payload = (
        call.args.metadata as { event_payload?: { caseId?: string; notificationKey?: string } } | undefined
      )?.event_payload;
      const isAnnouncement =
        call.method === 'chat.postMessage' &&
        call.outcome === 'ok' &&
        !call.args.thread_ts &&
        payload?.notificationKey === 'case_created';
      if (isAnnouncement && payload?.caseId && !this.announcedAt.has(payload.caseId))
        this.announcedAt.set(payload.caseId, now);
    }
  }
}
