import categories from '../../test/fixtures/categorization/categories.json';
import messages from '../../test/fixtures/categorization/support-messages.json';
import { predictCategory, trainCategorizer, type CategorizerModel } from './softmax-regression.classifier';
import { extractFeatures, stemWord } from './text-features';

// The brief's target is 0.85; the model reaches 0.865 on this data with unsure counted as wrong.
// This floor (reached minus 0.02, rounded down) guards against regressions.
const MIN_HELD_OUT_ACCURACY = 0.84;

const trainMessages = messages.filter((message) => message.split === 'train');
const testMessages = messages.filter((message) => message.split === 'test');

function trainOnFixtures(): CategorizerModel {
  return trainCategorizer({
    categories: categories.map((category) => ({
      id: category.id,
      name: category.name,
      description: category.description,
      examples: trainMessages.filter((message) => message.category === category.id).map((message) => message.text),
    })),
  });
}

describe('text features', () => {
  it('stems common inflections to one form', () => {
    expect(new Set(['charge', 'charges', 'charged', 'charging'].map(stemWord))).toEqual(new Set(['charg']));
    expect(stemWord('shipped')).toBe(stemWord('shipping'));
    expect(stemWord('installed')).toBe('install');
  });

  it('drops stop words, keeps shapes and adds bigrams', () => {
    const features = extractFeatures('Where is my e-bike? Order LM-204817, refund $249.00 to me');
    expect(features).toEqual(
      expect.arrayContaining([stemWord('where'), stemWord('ebike'), 'xrefx', 'xmoneyx', 'order xrefx']),
    );
    expect(features).not.toContain('is');
  });
});

describe('categorizer', () => {
  let model: CategorizerModel;

  beforeAll(() => {
    model = trainOnFixtures();
  });

  it('gives the same model and the same predictions for the same training data', () => {
    const again = trainOnFixtures();
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
    for (const message of testMessages.slice(0, 40)) {
      expect(predictCategory({ model: again, text: message.text })).toEqual(
        predictCategory({ model, text: message.text }),
      );
    }
  });

  it.each(['', '   ', '?!? ...', 'zxqv blorptang', 'constructor toString __proto__'])('is unsure about %p', (text) => {
    const prediction = predictCategory({ model, text });
    expect(prediction.categoryId).toBeNull();
    expect(prediction.confidence).toBe(0);
  });

  it('is unsure when the best probability is under minConfidence', () => {
    const text = 'Hi, I have a question about my camera.';
    const prediction = predictCategory({ model, text, minConfidence: 0 });
    expect(prediction.categoryId).not.toBeNull();
    expect(predictCategory({ model, text, minConfidence: prediction.confidence + 1e-9 }).categoryId).toBeNull();
  });

  it('returns probabilities for every category, best first', () => {
    const { scores, confidence } = predictCategory({ model, text: 'I was charged twice for my order' });
    expect(scores.map((score) => score.categoryId).sort()).toEqual(categories.map((category) => category.id).sort());
    expect(scores.reduce((sum, score) => sum + score.score, 0)).toBeCloseTo(1, 9);
    expect(scores[0].score).toBe(confidence);
    expect(scores[0].categoryId).toBe('billing');
  });

  it('round-trips through JSON without changing a prediction', () => {
    const restored = JSON.parse(JSON.stringify(model)) as CategorizerModel;
    expect(restored).toEqual(model);
    for (const message of testMessages) {
      expect(predictCategory({ model: restored, text: message.text })).toEqual(
        predictCategory({ model, text: message.text }),
      );
    }
  });

  it(`reaches at least ${MIN_HELD_OUT_ACCURACY} held-out accuracy with unsure counted as wrong`, () => {
    const correct = testMessages.filter(
      (message) => predictCategory({ model, text: message.text }).categoryId === message.category,
    );
    expect(testMessages.length).toBeGreaterThanOrEqual(150);
    expect(correct.length / testMessages.length).toBeGreaterThanOrEqual(MIN_HELD_OUT_ACCURACY);
  });
});
