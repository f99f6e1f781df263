/**
 * Text PostgreSQL cannot store: a NUL character (U+0000), which no text column holds, and a lone UTF-16
 * surrogate, which jsonb refuses (text columns would silently turn it into U+FFFD).
 */
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const HAS_NUL = /\u0000/;
const HAS_LONE_SURROGATE = new RegExp(LONE_SURROGATE.source);

export function isStorableText(text: string): boolean {
  return !HAS_NUL.test(text) && !HAS_LONE_SURROGATE.test(text);
}

/**
 * A customer's message, fit to store: NULs dropped and lone surrogates made U+FFFD, the only changes
 * to what was received. Raw email and other providers' bytes may carry either; refusing them would make
 * the provider retry a delivery that can never succeed.
 */
export function toStorableText<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string')
    return isStorableText(value) ? value : value.replace(NUL, '').replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [clean(key), clean(entry)]));
  }
  return value;
}
