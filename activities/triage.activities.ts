import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  predictCategory,
  trainCategorizer,
  type CategorizerModel,
  type CategoryTrainingData,
} from '../domain/categorization/softmax-regression.classifier';
import { acceptedCategory } from '../domain/categorization/categorization-policy';
import { chooseAssignee, listRuleUserIds, matchesRule } from '../domain/routing/routing-rules';
import {
  FIRST_MESSAGE,
  loadAgents,
  loadCaseFacts,
  loadEnabledRules,
  toFacts,
  toRule,
} from '../db/routing/routing-queries';
import { categorizeWithLlm, LlmUnavailableError } from '../integrations/llm/openai-compatible.categorizer';

export interface TriageLlmSettings {
  baseUrl?: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

export interface CategorizeCaseResult {
  categoryId: string | null;
  categoryName: string | null;
  autoResolve: boolean;
  provider: 'local' | 'llm';
  fellBack: boolean;
}

const AGENT_LABELLED_EXAMPLES = 200;

interface CategoryRow {
  id: string;
  name: string;
  description: string | null;
  auto_resolve: boolean;
  examples: string[];
}
async function loadTrainingData(
  em: EntityManager,
  orgId: string,
): Promise<{ categories: CategoryRow[]; training: CategoryTrainingData[] }> {
  const categories: CategoryRow[] = await em.execute(
    `select id, name, description, auto_resolve, examples from categories where org_id = ? and deleted_at is null order by position, created_at, id`,
    [orgId],
  );
  // Only agents' choices teach the model: learning from its own guesses would entrench its mistakes.
  const labelled: Array<{ category_id: string; text: string }> = await em.execute(
    `select c.category_id, ${FIRST_MESSAGE} as text from cases c
     where c.org_id = ? and c.category_id is not null
       and exists (select 1 from case_events e where e.case_id = c.id and e.type = 'categorize' and e.actor_type = 'agent')
     order by c.created_at desc, c.id limit ?`,
    [orgId, AGENT_LABELLED_EXAMPLES],
  );
  const training = categories.map((category) => ({
    id: category.id,
    name: category.name,
    description: category.description,
    examples: [
      ...category.examples,
      ...labelled
        .filter((row) => row.category_id === category.id && row.text)
        .map((row) => row.text)
        .sort(),
    ],
  }));
  return { categories, training };
}

export function createTriageActivities(deps: { orm: MikroORM; llm: TriageLlmSettings }) {
  // Training takes a moment; a model is reused until its organization's training data changes.
  const models = new Map<string, { hash: string; model: CategorizerModel }>();

  function localModelFor(input: { orgId: string; training: CategoryTrainingData[] }): CategorizerModel {
    const hash = createHash('sha256').update(JSON.stringify(input.training)).digest('hex');
    const cached = models.get(input.orgId);
    if (cached?.hash === hash) return cached.model;
    const model = trainCategorizer({ categories: input.training });
    models.set(input.orgId, { hash, model });
    return model;
  }

  async function askLlm(input: {
    categories: CategoryRow[];
    text: string;
  }): Promise<{ categoryId: string | null } | null> {
    if (!deps.llm.baseUrl) return null;
    try {
      const answer = await categorizeWithLlm({
        baseUrl: deps.llm.baseUrl,
        apiKey: deps.llm.apiKey,
        model: deps.llm.model,
        timeoutMs: deps.llm.timeoutMs,
        categories: input.categories,
        text: input.text,
      });
      return answer.refused ? null : answer;
    } catch (error) {
      if (error instanceof LlmUnavailableError) return null;
      throw error;
    }
  }

  return {
    async categorizeCase(input: { orgId: string; caseId: string }): Promise<CategorizeCaseResult> {
      const em = deps.orm.em.fork();
      const facts = await loadCaseFacts(em, input);
      const organizations: Array<{ categorizer: 'local' | 'llm' }> = await em.execute(
        `select categorizer from organizations where id = ?`,
        [input.orgId],
      );
      const { categories, training } = await loadTrainingData(em, input.orgId);
      const text = facts.first_message ?? '';
      const describe = (
        categoryId: string | null,
        provider: 'local' | 'llm',
        fellBack: boolean,
      ): CategorizeCaseResult => {
        const category = categories.find((candidate) => candidate.id === categoryId);
        return {
          categoryId: category?.id ?? null,
          categoryName: category?.name ?? null,
          autoResolve: category?.auto_resolve ?? false,
          provider,
          fellBack,
        };
      };
      const wantsLlm = organizations[0]?.categorizer === 'llm' && deps.llm.baseUrl !== undefined;
      if (categories.length === 0 || text.trim() === '') return describe(null, wantsLlm ? 'llm' : 'local', false);

      if (wantsLlm) {
        const answer = await askLlm({ categories, text });
        if (answer) return describe(answer.categoryId, 'llm', false);
      }
      const prediction = predictCategory({ model: localModelFor({ orgId: input.orgId, training }), text });
      const autoResolve = categories.find((candidate) => candidate.id === prediction.categoryId)?.auto_resolve ?? false;
      return describe(
        acceptedCategory({ categoryId: prediction.categoryId, confidence: prediction.confidence, autoResolve }),
        'local',
        wantsLlm,
      );
    },

    /** Decides who should get the case; the workflow assigns it through its own update path. */
    async routeCase(input: {
      orgId: string;
      caseId: string;
    }): Promise<{ assigneeId: string | null; ruleId: string | null; reason: string }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const facts = toFacts(await loadCaseFacts(em, input));
        const ruleRows = await loadEnabledRules(em, input.orgId);
        const rules = ruleRows.map(toRule);
        const cursors = Object.fromEntries(ruleRows.map((row) => [row.id, row.round_robin_cursor]));
        const matched = rules.find((rule) => matchesRule({ rule, facts }));
        if (matched?.action.type === 'round_robin') {
          // Two cases routed at once must not both read the same cursor and go to the same agent.
          const locked: Array<{ round_robin_cursor: number }> = await em.execute(
            `select round_robin_cursor from routing_rules where id = ? for update`,
            [matched.id],
          );
          cursors[matched.id] = locked[0]?.round_robin_cursor ?? 0;
        }
        const agents = await loadAgents(em, {
          orgId: input.orgId,
          userIds: matched ? listRuleUserIds(matched.action) : [],
        });
        const decision = chooseAssignee({ rules: matched ? [matched] : [], facts, agents, roundRobinCursors: cursors });
        if (decision.ruleId && decision.nextCursor !== undefined) {
          await em.execute(`update routing_rules set round_robin_cursor = ? where id = ?`, [
            decision.nextCursor,
            decision.ruleId,
          ]);
        }
        return { assigneeId: decision.assigneeId, ruleId: decision.ruleId, reason: decision.reason };
      });
    },
  };
}

export type TriageActivities = ReturnType<typeof createTriageActivities>;
