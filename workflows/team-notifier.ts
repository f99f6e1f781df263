import { proxyActivities } from '@temporalio/workflow';
import type { SlackActivities } from '../activities/slack.activities';
import type { CaseNotification } from '../domain/case-notifications';
import type { CaseWork } from './case-work';
import { OutboundQueue, type QueuedOutbound } from './outbound-queue';

// A round: a few quick tries (Retry-After honoured). Longer outages wait between rounds in the queue.
const slack = proxyActivities<SlackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['SlackPermanentError'],
  },
});

/** The announcement of the new case, or one event in its thread, sent once the read model has `version`. */
export type TeamNotification =
  { announcement: true; version: number } | { announcement?: false; notification: CaseNotification; version: number };

export type QueuedTeamNotification = QueuedOutbound<TeamNotification>;

/**
 * The team hears about a case in order: its announcement first, then each event in its thread. While
 * one is being sent, a burst of customer messages collapses into a single pending "customer replied":
 * the team needs to know, not count. Every notification has its key, so a resend never posts twice.
 */
export class TeamNotifier {
  private readonly queue: OutboundQueue<TeamNotification>;

  constructor(input: {
    orgId: string;
    caseId: string;
    carried: QueuedTeamNotification[];
    work: CaseWork;
    persisted: (version: number) => Promise<void>;
    gaveUp: (what: string, reason: string) => void;
  }) {
    this.queue = new OutboundQueue<TeamNotification>({
      kind: 'notification',
      carried: input.carried,
      work: input.work,
      send: async ({ key, payload }) => {
        await input.persisted(payload.version);
        if (payload.announcement) {
          await slack.announceCase({ orgId: input.orgId, caseId: input.caseId, notificationKey: 'case_created' });
        } else {
          await slack.notifyCaseEvent({
            orgId: input.orgId,
            caseId: input.caseId,
            kind: payload.notification.kind,
            details: payload.notification.details,
            notificationKey: key,
          });
        }
      },
      giveUp: ({ payload }, reason) =>
        input.gaveUp(
          payload.announcement ? 'Slack announcement' : `Slack notification (${payload.notification.kind})`,
          reason,
        ),
    });
  }

  announce(version: number): void {
    this.queue.enqueue({ key: 'case_created', payload: { announcement: true, version } });
  }

  enqueue(notification: CaseNotification, version: number): void {
    const collapses = notification.kind === 'customer_reply';
    this.queue.enqueue(
      { key: `${notification.kind}:${version}`, payload: { notification, version } },
      collapses
        ? (queued) => !queued.payload.announcement && queued.payload.notification.kind === 'customer_reply'
        : undefined,
    );
  }

  resume(): void {
    this.queue.resume();
  }

  get isEmpty(): boolean {
    return this.queue.isEmpty;
  }

  carry(): QueuedTeamNotification[] {
    return this.queue.carry();
  }
}
