import type { RequestHandler } from 'express';
import { problems } from './problem';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * A body of another media type, or in a charset other than UTF-8, answers 415 before it is read: a
 * route's parser would otherwise skip it silently, and raw bodies are decoded as UTF-8.
 */
export function requireMediaType(input: { types: string[]; detail: string }): RequestHandler {
  return (req, _res, next) => {
    const charset = CHARSET.exec(req.get('content-type') ?? '')?.[1].toLowerCase();
    if (req.is(input.types) && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return next();
    next(problems.unsupportedMediaType(input.detail));
  };
}
