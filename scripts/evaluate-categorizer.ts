/**
 * Scores a categorizer on the held-out split of the labelled support messages.
 * Usage: npx tsx scripts/evaluate-categorizer.ts [--provider local] [--json]
 * A provider is just `classify(text) → category id | null`, so a remote model can be added to
 * `buildProviders` and compared on the same data and the same report.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { predictCategory, trainCategorizer } from '../domain/categorization/softmax-regression.classifier';

export interface LabelledMessage {
  text: string;
  category: string;
  split: 'train' | 'test';
}

export interface CategoryDefinition {
  id: string;
  name: string;
  description: string;
  autoResolve: boolean;
}

export interface EvaluationReport {
  provider: string;
  total: number;
  correct: number;
  unsure: number;
  accuracy: number;
  /** Accuracy over the answers that were not "unsure". */
  answeredAccuracy: number;
  perCategory: Array<{ categoryId: string; precision: number; recall: number; support: number }>;
  /** confusion[actual][predicted], where predicted may be "unsure". */
  confusion: Record<string, Record<string, number>>;
}

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'categorization');
const UNSURE = 'unsure';

export function loadFixtures(): { messages: LabelledMessage[]; categories: CategoryDefinition[] } {
  const read = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
  return {
    messages: read('support-messages.json') as LabelledMessage[],
    categories: read('categories.json') as CategoryDefinition[],
  };
}

function buildProviders(input: {
  messages: LabelledMessage[];
  categories: CategoryDefinition[];
}): Record<string, () => (text: string) => Promise<string | null>> {
  return {
    local: () => {
      const train = input.messages.filter((message) => message.split === 'train');
      const model = trainCategorizer({
        categories: input.categories.map((category) => ({
          ...category,
          examples: train.filter((message) => message.category === category.id).map((message) => message.text),
        })),
      });
      return async (text) => predictCategory({ model, text }).categoryId;
    },
  };
}

function divide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function summarize(input: {
  provider: string;
  categoryIds: string[];
  pairs: Array<{ actual: string; predicted: string }>;
}): EvaluationReport {
  const { provider, categoryIds, pairs } = input;
  const columns = [...categoryIds, UNSURE];
  const confusion = Object.fromEntries(
    categoryIds.map((actual) => [actual, Object.fromEntries(columns.map((predicted) => [predicted, 0]))]),
  );
  for (const pair of pairs) confusion[pair.actual][pair.predicted] += 1;

  const correct = pairs.filter((pair) => pair.actual === pair.predicted).length;
  const perCategory = categoryIds.map((categoryId) => {
    const truePositives = confusion[categoryId][categoryId];
    const predictedAs = categoryIds.reduce((sum, actual) => sum + confusion[actual][categoryId], 0);
    const support = pairs.filter((pair) => pair.actual === categoryId).length;
    return {
      categoryId,
      precision: divide(truePositives, predictedAs),
      recall: divide(truePositives, support),
      support,
    };
  });
  const unsure = pairs.filter((pair) => pair.predicted === UNSURE).length;
  return {
    provider,
    total: pairs.length,
    correct,
    unsure,
    accuracy: divide(correct, pairs.length),
    answeredAccuracy: divide(correct, pairs.length - unsure),
    perCategory,
    confusion,
  };
}

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('  '),
    )
    .join('\n');
}

function formatReport(report: EvaluationReport): string {
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const categoryIds = report.perCategory.map((entry) => entry.categoryId);
  const columns = [...categoryIds, UNSURE];
  // Headers are shortened so ten categories fit a terminal; rows keep the full id.
  const header = ['actual \\ predicted', ...columns.map((column) => column.slice(0, 8))];
  const matrix = categoryIds.map((actual) => [
    actual,
    ...columns.map((predicted) => String(report.confusion[actual][predicted])),
  ]);
  const metrics = report.perCategory.map((entry) => [
    entry.categoryId,
    percent(entry.precision),
    percent(entry.recall),
    String(entry.support),
  ]);
  return [
    `Provider: ${report.provider}`,
    `Held-out accuracy: ${percent(report.accuracy)} (${report.correct}/${report.total}; unsure counted as wrong)`,
    `Unsure (no category): ${report.unsure}; accuracy of the ${report.total - report.unsure} answered: ${percent(report.answeredAccuracy)}`,
    '',
    formatTable([['category', 'precision', 'recall', 'support'], ...metrics]),
    '',
    'Confusion matrix (rows = actual, columns = predicted):',
    formatTable([header, ...matrix]),
  ].join('\n');
}

export async function evaluateProvider(input: {
  name: string;
  classify: (text: string) => Promise<string | null>;
  items: LabelledMessage[];
  categoryIds?: string[];
  output?: 'table' | 'json';
}): Promise<EvaluationReport> {
  const categoryIds = input.categoryIds ?? [...new Set(input.items.map((item) => item.category))];
  const pairs: Array<{ actual: string; predicted: string }> = [];
  // One at a time: a remote provider may be rate limited, and order keeps runs comparable.
  for (const item of input.items) {
    const predicted = await input.classify(item.text);
    pairs.push({
      actual: item.category,
      predicted: predicted !== null && categoryIds.includes(predicted) ? predicted : UNSURE,
    });
  }
  const report = summarize({ provider: input.name, categoryIds, pairs });
  console.log(input.output === 'json' ? JSON.stringify(report, null, 2) : formatReport(report));
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { provider: { type: 'string', default: 'local' }, json: { type: 'boolean', default: false } },
  });
  const { messages, categories } = loadFixtures();
  const providers = buildProviders({ messages, categories });
  const buildClassifier = providers[values.provider];
  if (!buildClassifier) {
    throw new Error(`Unknown provider "${values.provider}"; known: ${Object.keys(providers).join(', ')}`);
  }
  await evaluateProvider({
    name: values.provider,
    classify: buildClassifier(),
    items: messages.filter((message) => message.split === 'test'),
    categoryIds: categories.map((category) => category.id),
    output: values.json ? 'json' : 'table',
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
