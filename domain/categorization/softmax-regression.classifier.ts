import { extractFeatures, isBigram } from './text-features';

/**
 * The offline support-message categorizer: a softmax (multinomial logistic) regression over
 * TF-IDF word and bigram features. On the labelled fixtures it beat
 * multinomial and complement naive Bayes by several points in cross-validation on the train split,
 * and its probabilities are better calibrated, which is what "unsure" relies on.
 * Training is full-batch gradient descent from all-zero weights for a fixed number of epochs, so
 * the same categories give the same model, and the model is plain JSON.
 */

export interface CategoryTrainingData {
  id: string;
  name: string;
  description?: string | null;
  examples: string[];
}

export interface FeatureWeights {
  /** Input value of the feature when present: IDF, damped for bigrams. */
  scale: number;
  /** One weight per category, in the order of categoryIds. */
  weights: number[];
}

export interface CategorizerModel {
  kind: 'softmax-regression';
  version: 1;
  categoryIds: string[];
  logitScale: number;
  biases: number[];
  features: Record<string, FeatureWeights>;
}

export interface CategoryPrediction {
  categoryId: string | null;
  confidence: number;
  scores: Array<{ categoryId: string; score: number }>;
}

interface SparseVector {
  indices: number[];
  values: number[];
}

interface TrainingDocument {
  text: string;
  label: number;
  weight: number;
}

// Hyperparameters were chosen by 5-fold cross-validation on the train split only.
// The name and description are what an admin wrote about a category; they count as a few
// examples so a category with little history is still recognisable.
const NAME_WEIGHT = 2;
const DESCRIPTION_WEIGHT = 3;
// Bigrams are sparse in a small training set; at full weight they let one phrase outvote the words.
const BIGRAM_SCALE = 0.5;
const EPOCHS = 400;
const LEARNING_RATE = 1;
const L2_PENALTY = 3e-4;
// The regularised weights stay small, so raw softmax outputs are too flat; this scale made the
// cross-validated probabilities best calibrated (lowest log-loss).
const LOGIT_SCALE = 6;
// In cross-validation most answers under 0.25-0.5 were still right; 0.2 leaves only near-uniform texts unsure.
const DEFAULT_MIN_CONFIDENCE = 0.2;

function listDocuments(categories: CategoryTrainingData[]): TrainingDocument[] {
  return categories.flatMap((category, label) => [
    ...category.examples.map((text) => ({ text, label, weight: 1 })),
    { text: category.name, label, weight: NAME_WEIGHT },
    ...(category.description ? [{ text: category.description, label, weight: DESCRIPTION_WEIGHT }] : []),
  ]);
}

function computeFeatureScales(featureLists: string[][]): Map<string, number> {
  const documentFrequency = new Map<string, number>();
  for (const features of featureLists) {
    for (const feature of features) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
  }
  // Sorted so the model's key order, and so its JSON, does not depend on example order.
  const vocabulary = [...documentFrequency.keys()].sort();
  return new Map(
    vocabulary.map((feature) => {
      const idf = Math.log((featureLists.length + 1) / ((documentFrequency.get(feature) ?? 0) + 1)) + 1;
      return [feature, isBigram(feature) ? idf * BIGRAM_SCALE : idf];
    }),
  );
}

function normalizeVector(input: { indices: number[]; raw: number[] }): SparseVector {
  const norm = Math.sqrt(input.raw.reduce((sum, value) => sum + value * value, 0));
  return { indices: input.indices, values: input.raw.map((value) => (norm === 0 ? 0 : value / norm)) };
}

function computeLogits(input: {
  vector: SparseVector;
  weights: ArrayLike<number>[];
  biases: ArrayLike<number>;
}): number[] {
  return input.weights.map((row, label) => {
    let logit = input.biases[label];
    input.vector.indices.forEach((index, position) => {
      logit += row[index] * input.vector.values[position];
    });
    return logit;
  });
}

function applySoftmax(logits: number[]): number[] {
  const highest = Math.max(...logits);
  const exponentials = logits.map((logit) => Math.exp(logit - highest));
  const sum = exponentials.reduce((total, value) => total + value, 0);
  return exponentials.map((value) => value / sum);
}

function fitSoftmaxRegression(input: {
  vectors: SparseVector[];
  documents: TrainingDocument[];
  classCount: number;
  featureCount: number;
}) {
  const { vectors, documents, classCount, featureCount } = input;
  const weights = Array.from({ length: classCount }, () => new Float64Array(featureCount));
  const biases = new Float64Array(classCount);
  const gradients = Array.from({ length: classCount }, () => new Float64Array(featureCount));
  const biasGradients = new Float64Array(classCount);
  const totalWeight = documents.reduce((sum, document) => sum + document.weight, 0);

  for (let epoch = 0; epoch < EPOCHS; epoch += 1) {
    gradients.forEach((row) => row.fill(0));
    biasGradients.fill(0);
    vectors.forEach((vector, position) => {
      const { label, weight } = documents[position];
      const probabilities = applySoftmax(computeLogits({ vector, weights, biases }));
      probabilities.forEach((probability, candidate) => {
        const error = ((probability - (candidate === label ? 1 : 0)) * weight) / totalWeight;
        biasGradients[candidate] += error;
        vector.indices.forEach((index, slot) => {
          gradients[candidate][index] += error * vector.values[slot];
        });
      });
    });
    for (let label = 0; label < classCount; label += 1) {
      biases[label] -= LEARNING_RATE * biasGradients[label];
      for (let index = 0; index < featureCount; index += 1) {
        weights[label][index] -= LEARNING_RATE * (gradients[label][index] + L2_PENALTY * weights[label][index]);
      }
    }
  }
  return { weights, biases };
}

// Rounding keeps the stored model small; predictions use the rounded values, so they match.
function roundWeight(value: number): number {
  return Number(value.toPrecision(6));
}

export function trainCategorizer(input: { categories: CategoryTrainingData[] }): CategorizerModel {
  const documents = listDocuments(input.categories);
  const featureLists = documents.map((document) => extractFeatures(document.text));
  const scales = computeFeatureScales(featureLists);
  const vocabulary = [...scales.keys()];
  const positions = new Map(vocabulary.map((feature, index) => [feature, index]));
  const scaleList = vocabulary.map((feature) => scales.get(feature) ?? 0);
  const vectors = featureLists.map((features) => {
    const indices = features
      .map((feature) => positions.get(feature))
      .filter((index): index is number => index !== undefined);
    return normalizeVector({ indices, raw: indices.map((index) => scaleList[index]) });
  });
  const { weights, biases } = fitSoftmaxRegression({
    vectors,
    documents,
    classCount: input.categories.length,
    featureCount: vocabulary.length,
  });

  return {
    kind: 'softmax-regression',
    version: 1,
    categoryIds: input.categories.map((category) => category.id),
    logitScale: LOGIT_SCALE,
    biases: [...biases].map(roundWeight),
    features: Object.fromEntries(
      vocabulary.map((feature, index) => [
        feature,
        {
          scale: roundWeight(scaleList[index]),
          weights: weights.map((row) => roundWeight(row[index])),
        },
      ]),
    ),
  };
}

function lookUpFeature(model: CategorizerModel, feature: string): FeatureWeights | undefined {
  // A model read back with JSON.parse inherits "constructor" and friends; only own keys are features.
  return Object.hasOwn(model.features, feature) ? model.features[feature] : undefined;
}

export function predictCategory(input: {
  model: CategorizerModel;
  text: string;
  minConfidence?: number;
}): CategoryPrediction {
  const { model } = input;
  const minConfidence = input.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const known = extractFeatures(input.text)
    .map((feature) => lookUpFeature(model, feature))
    .filter((entry): entry is FeatureWeights => entry !== undefined);
  if (known.length === 0 || model.categoryIds.length === 0) {
    return {
      categoryId: null,
      confidence: 0,
      scores: model.categoryIds.map((categoryId) => ({ categoryId, score: 0 })),
    };
  }

  const vector = normalizeVector({ indices: known.map((_, index) => index), raw: known.map((entry) => entry.scale) });
  const weights = model.categoryIds.map((_, label) => known.map((entry) => entry.weights[label]));
  const logits = computeLogits({ vector, weights, biases: model.biases });
  const probabilities = applySoftmax(logits.map((logit) => logit * model.logitScale));
  const scores = model.categoryIds
    .map((categoryId, label) => ({ categoryId, score: probabilities[label] }))
    .sort((left, right) => right.score - left.score || (left.categoryId < right.categoryId ? -1 : 1));
  const best = scores[0];
  return { categoryId: best.score >= minConfidence ? best.categoryId : null, confidence: best.score, scores };
}
