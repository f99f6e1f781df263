/** Silently closing a case needs more certainty than labelling it: a real customer must not vanish as spam. */
export const AUTO_RESOLVE_MIN_CONFIDENCE = 0.6;

/** The category a prediction may set on a case, or null when the categorizer is not sure enough. */
export function acceptedCategory(input: {
  categoryId: string | null;
  confidence: number;
  autoResolve: boolean;
}): string | null {
  if (input.categoryId === null) return null;
  if (input.autoResolve && input.confidence < AUTO_RESOLVE_MIN_CONFIDENCE) return null;
  return input.categoryId;
}
