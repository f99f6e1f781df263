import type { Orm } from '../../db/orm';
import type { AnnouncementTracker } from './announcements';

/** Cases the worker has finished with: announced in Slack, or resolved silently by an auto-resolve category. */
export async function countFinishedCases(input: {
  orm: Orm;
  orgId: string;
  tracker: AnnouncementTracker;
}): Promise<{ created: number; finished: number }> {
  const rows: Array<{ created: string; auto_resolved: string }> = await input.orm.em
    .fork()
    .execute(
      `select count(*) as created, count(*) filter (where resolution = 'auto') as auto_resolved from cases where org_id = ?`,
      [input.orgId],
    );
  return { created: Number(rows[0].created), finished: input.tracker.count + Number(rows[0].auto_resolved) };
}

/**
 * Waits until the worker has caught up with every case created so far, so one measurement's backlog
 * does not steal CPU from the next. Gives up after `timeoutMs` without progress.
 */
export async function waitForBacklog(input: {
  orm: Orm;
  orgId: string;
  tracker: AnnouncementTracker;
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<boolean> {
  let lastFinished = -1;
  let lastProgressAt = Date.now();
  for (;;) {
    const { created, finished } = await countFinishedCases(input);
    if (finished >= created) return true;
    if (finished > lastFinished) {
      lastFinished = finished;
      lastProgressAt = Date.now();
    } else if (Date.now() - lastProgressAt > input.timeoutMs) {
      input.log(
        `worker backlog: ${created - finished} of ${created} cases still unannounced after ${input.timeoutMs / 1000} s without progress; going on`,
      );
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
