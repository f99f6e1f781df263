import type { MikroORM } from '@mikro-orm/postgresql';
import type { TemporalTarget } from '../case-lifecycle/start-case-workflow';
import type { Actor } from '../../workflows/case.contract';

/** Who acts on a case, whichever door they came through (a bearer token, a Slack button). */
export interface CaseActor {
  orgId: string;
  userId: string;
  role: 'admin' | 'agent' | 'partner';
}

/** What every case action needs. */
export interface CaseActionDeps {
  orm: MikroORM;
  temporal: TemporalTarget;
  /** How long an action waits for its case (app/case-lifecycle/case-update.ts); tests shorten it. */
  updateDeadlineMs?: number;
}

export const workflowActorOf = (actor: CaseActor): Actor => ({
  type: actor.role === 'partner' ? 'partner' : 'agent',
  userId: actor.userId,
});

/** Partners see and act only on the cases they created. */
export const partnerScope = (actor: Pick<CaseActor, 'role' | 'userId'>): string | null =>
  actor.role === 'partner' ? actor.userId : null;
