import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  listAgentLabelledExamples,
  listCategorizerCategories,
  type CategorizerCategory,
} from '../db/categories/categorizer-training';
import { findOrganizationCategorizer } from '../db/organizations/organization-categorizer';
import { lockRoundRobinCursor, saveRoundRobinCursor } from '../db/routing-rules/round-robin-cursor';
import {
  predictCategory,
  trainCategorizer,
  type CategorizerModel,
  type CategoryTrainingData,
} from '../domain/categorization/softmax-regression.classifier';
import { acceptedCategory } from '../domain/categorization/categorization-policy';
import { chooseAssignee, listRuleUserIds, matchesRule } from '../domain/routing/routing-rules';
import { loadAgents, loadCaseFacts, loadEnabledRules, toFacts, toRule } from '../db/routing/routing-queries';
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

async function loadTrainingData(
  em: EntityManager,
  orgId: string,
): Promise<{ categories: CategorizerCategory[]; training: CategoryTrainingData[] }> {
  const categories = await listCategorizerCategories(em, orgId);
  const labelled = await listAgentLabelledExamples(em, { orgId, limit: AGENT_LABELLED_EXAMPLES });
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
    categories: CategorizerCategory[];
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
      const categorizer = await findOrganizationCategorizer(em, input.orgId);
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
      const wantsLlm = categorizer === 'llm' && deps.llm.baseUrl !== undefined;
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
          cursors[matched.id] = await lockRoundRobinCursor(em, matched.id);
        }
        const agents = await loadAgents(em, {
          orgId: input.orgId,
          userIds: matched ? listRuleUserIds(matched.action) : [],
        });
        const decision = chooseAssignee({ rules: matched ? [matched] : [], facts, agents, roundRobinCursors: cursors });
        if (decision.ruleId && decision.nextCursor !== undefined) {
          await saveRoundRobinCursor(em, { ruleId: decision.ruleId, cursor: decision.nextCursor });
        }
        return { assigneeId: decision.assigneeId, ruleId: decision.ruleId, reason: decision.reason };
      });
    },
  };
}

export type TriageActivities = ReturnType<typeof createTriageActivities>;
