import { acceptedCategory, AUTO_RESOLVE_MIN_CONFIDENCE } from './categorization-policy';

describe('acceptedCategory', () => {
  it('labels with any confident-enough prediction, but auto-resolves only above the stricter threshold', () => {
    expect(acceptedCategory({ categoryId: 'billing', confidence: 0.3, autoResolve: false })).toBe('billing');
    expect(
      acceptedCategory({ categoryId: 'spam', confidence: AUTO_RESOLVE_MIN_CONFIDENCE - 0.01, autoResolve: true }),
    ).toBeNull();
    expect(acceptedCategory({ categoryId: 'spam', confidence: AUTO_RESOLVE_MIN_CONFIDENCE, autoResolve: true })).toBe(
      'spam',
    );
    expect(acceptedCategory({ categoryId: null, confidence: 0.9, autoResolve: false })).toBeNull();
  });
});
