/**
 * Turns free support text into the features the categorizer counts: stemmed words without
 * stop words, a few shape tokens (links, e-mail addresses, amounts, identifiers) and word bigrams.
 */

// Kept small on purpose: question words, negations and "can't"/"won't" carry category signal.
const STOP_WORDS = new Set([
  'a',
  'about',
  'after',
  'again',
  'all',
  'also',
  'am',
  'an',
  'and',
  'any',
  'are',
  'as',
  'at',
  'be',
  'been',
  'before',
  'being',
  'but',
  'by',
  'dear',
  'did',
  'do',
  'does',
  'for',
  'from',
  'had',
  'has',
  'have',
  'he',
  'hello',
  'her',
  'hey',
  'hi',
  'him',
  'his',
  'i',
  "i'm",
  "i'd",
  "i've",
  'if',
  'in',
  'into',
  'is',
  'it',
  "it's",
  'its',
  'just',
  'me',
  'my',
  'of',
  'on',
  'or',
  'our',
  'please',
  'she',
  'so',
  'some',
  'than',
  'thank',
  'thanks',
  'that',
  'the',
  'their',
  'them',
  'then',
  'there',
  'these',
  'they',
  'this',
  'those',
  'to',
  'too',
  'us',
  'very',
  'was',
  'we',
  'were',
  'with',
  'you',
  'your',
]);

// Shapes are replaced before splitting so "LM-204817" or "$249.00" become one countable token
// instead of digits that would only add noise.
const SHAPE_RULES: ReadonlyArray<{ pattern: RegExp; token: string }> = [
  { pattern: /\b(?:https?:\/\/|www\.)\S+/gu, token: 'xurlx' },
  { pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, token: 'xemailx' },
  {
    pattern: /\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|co|shop|info|biz|io|me|ly)\b(?:\/\S*)?/gu,
    token: 'xurlx',
  },
  {
    pattern: /[$€£]\s?\d[\d,]*(?:\.\d+)?[km]?|\b\d[\d,]*(?:\.\d+)?\s?(?:usd|eur|euros?|gbp|dollars?|pounds?)\b/gu,
    token: 'xmoneyx',
  },
  { pattern: /\bv?\d+\.\d+\.\d+\b/gu, token: 'xversionx' },
  { pattern: /\b\p{L}{1,4}-\d{3,}\b/gu, token: 'xrefx' },
];

// Hyphenated and apostrophe forms stay one word: "e-bike" → "ebike", "wi-fi" → "wifi", "won't" → "wont".
const WORD_PATTERN = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;
const SHAPE_TOKENS = new Set(SHAPE_RULES.map((rule) => rule.token));

export function normalizeText(text: string): string {
  let normalized = text.normalize('NFKC').toLowerCase();
  for (const rule of SHAPE_RULES) {
    normalized = normalized.replace(rule.pattern, ` ${rule.token} `);
  }
  return normalized;
}

function classifyNumericToken(word: string): string {
  if (/^\p{N}+$/u.test(word)) return word.length >= 5 ? 'xidx' : 'xnumx';
  return word.length >= 7 ? 'xidx' : word;
}

const STEM_RULES: ReadonlyArray<{ suffix: string; replacement: string; minStem: number }> = [
  { suffix: 'ation', replacement: '', minStem: 4 },
  { suffix: 'ies', replacement: 'y', minStem: 2 },
  { suffix: 'sses', replacement: 'ss', minStem: 2 },
  { suffix: 'ness', replacement: '', minStem: 3 },
  { suffix: 'ment', replacement: '', minStem: 4 },
  { suffix: 'ingly', replacement: '', minStem: 3 },
  { suffix: 'edly', replacement: '', minStem: 3 },
  { suffix: 'ing', replacement: '', minStem: 3 },
  { suffix: 'ed', replacement: '', minStem: 3 },
  { suffix: 'ly', replacement: '', minStem: 4 },
  { suffix: 's', replacement: '', minStem: 3 },
];

const KEEP_FINAL_S = ['ss', 'us', 'is', 'os'];

function undoubleConsonant(stem: string): string {
  const last = stem[stem.length - 1];
  // As in Porter's stemmer: "shipped" → "ship", but "installed" stays "install".
  if (stem.length > 3 && last === stem[stem.length - 2] && /[bdfgkmnprt]/.test(last)) {
    return stem.slice(0, -1);
  }
  return stem;
}

/** A light suffix stripper: enough to merge "charges/charged/charging", not a full Porter stemmer. */
export function stemWord(word: string): string {
  if (word.length <= 3 || SHAPE_TOKENS.has(word)) return word;
  for (const rule of STEM_RULES) {
    if (!word.endsWith(rule.suffix)) continue;
    if (rule.suffix === 's' && KEEP_FINAL_S.some((ending) => word.endsWith(ending))) return word;
    const stem = word.slice(0, word.length - rule.suffix.length);
    if (stem.length < rule.minStem) return word;
    const stripped = undoubleConsonant(stem) + rule.replacement;
    return stripped.endsWith('e') && stripped.length > 4 ? stripped.slice(0, -1) : stripped;
  }
  return word.endsWith('e') && word.length > 4 ? word.slice(0, -1) : word;
}

export function tokenizeText(text: string): string[] {
  const words = normalizeText(text).match(WORD_PATTERN) ?? [];
  const tokens: string[] = [];
  for (const raw of words) {
    if (STOP_WORDS.has(raw.replace(/’/gu, "'"))) continue;
    const word = raw.replace(/[-'’]/gu, '');
    tokens.push(/\p{N}/u.test(word) ? classifyNumericToken(word) : stemWord(word));
  }
  return tokens;
}

export function isBigram(feature: string): boolean {
  return feature.includes(' ');
}

/** Unigrams plus adjacent-word bigrams ("not work", "return label"), each counted once per text. */
export function extractFeatures(text: string): string[] {
  const tokens = tokenizeText(text);
  const features = new Set(tokens);
  for (let index = 1; index < tokens.length; index += 1) {
    features.add(`${tokens[index - 1]} ${tokens[index]}`);
  }
  return [...features];
}
