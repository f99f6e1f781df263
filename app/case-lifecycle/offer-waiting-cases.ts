import type { MikroORM } from '@mikro-orm/postgresql';
import { findWaitingCasesForAgent } from '../../db/routing/routing-queries';
import { routingOpportunitySignal } from '../../workflows/case.contract';
import type { TemporalTarget } from './start-case-workflow';

/**
 * An agent became available or freed capacity: each waiting case that routing would now give them
 * is told to route again. The case workflow decides (a manual assignment made meanwhile still wins).
 */
export async function offerWaitingCases(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  orgId: string;
  userId: string;
}): Promise<number> {
  const waiting = await findWaitingCasesForAgent(input.orm.em.fork(), { orgId: input.orgId, userId: input.userId });
  for (const kase of waiting) {
    await input.temporal.client.workflow
      .getHandle(kase.workflowId)
      .signal(routingOpportunitySignal, { userId: input.userId })
      .catch(() => undefined); // A case whose workflow has just ended has nothing left to route.
  }
  return waiting.length;
}
