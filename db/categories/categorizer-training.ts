import type { EntityManager } from '@mikro-orm/postgresql';
import { FIRST_MESSAGE } from '../routing/routing-queries';

/** A category as the categorizer sees it: what it is for, and the examples an admin gave. */
export interface CategorizerCategory {
  id: string;
  name: string;
  description: string | null;
  auto_resolve: boolean;
  examples: string[];
}

/** The organization's categories in their admin order (deleted ones excluded). */
export async function listCategorizerCategories(em: EntityManager, orgId: string): Promise<CategorizerCategory[]> {
  return em.execute(
    `select id, name, description, auto_resolve, examples from categories where org_id = ? and deleted_at is null order by position, created_at, id`,
    [orgId],
  );
}

/**
 * The first customer message of the latest cases an agent categorized, newest first. Only agents'
 * choices teach the model: learning from its own guesses would entrench its mistakes.
 */
export async function listAgentLabelledExamples(
  em: EntityManager,
  input: { orgId: string; limit: number },
): Promise<Array<{ category_id: string; text: string }>> {
  return em.execute(
    `select c.category_id, ${FIRST_MESSAGE} as text from cases c
     where c.org_id = ? and c.category_id is not null
       and exists (select 1 from case_events e where e.case_id = c.id and e.type = 'categorize' and e.actor_type = 'agent')
     order by c.created_at desc, c.id limit ?`,
    [input.orgId, input.limit],
  );
}
