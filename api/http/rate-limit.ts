import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { AppConfig } from '../../config/env.schema';
import { problems } from './problem';
import { TokenBuckets } from './token-buckets';

/** Requests per minute for each limit; see RATE_LIMIT_* in config/env.schema.ts. */
export interface RateLimitSettings {
  apiPerTokenPerMinute: number;
  apiPerIpPerMinute: number;
  webhooksPerIpPerMinute: number;
  repliesPerOrgPerMinute: number;
  callsPerOrgPerMinute: number;
}

export interface RateLimiters {
  /** Per IP, then per bearer token, on /api/v1 (before authentication, so unknown tokens count too). */
  api: RequestHandler[];
  /** Per IP on /webhooks. */
  webhooks: RequestHandler;
  /** Per organization, after authentication: outbound replies and phone calls. */
  replies: RequestHandler;
  calls: RequestHandler;
}

/** The settings from the configuration, or null when RATE_LIMIT_DISABLED is set. */
export function rateLimitSettings(config: AppConfig): RateLimitSettings | null {
  if (config.RATE_LIMIT_DISABLED) return null;
  return {
    apiPerTokenPerMinute: config.RATE_LIMIT_API_PER_TOKEN_PER_MINUTE,
    apiPerIpPerMinute: config.RATE_LIMIT_API_PER_IP_PER_MINUTE,
    webhooksPerIpPerMinute: config.RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE,
    repliesPerOrgPerMinute: config.RATE_LIMIT_REPLIES_PER_ORG_PER_MINUTE,
    callsPerOrgPerMinute: config.RATE_LIMIT_CALLS_PER_ORG_PER_MINUTE,
  };
}

/**
 * Token buckets in this process's memory: each API instance limits on its own, so N instances behind
 * a load balancer allow up to N times each figure. A refusal is a 429 problem with Retry-After.
 */
export function createRateLimiters(settings: RateLimitSettings): RateLimiters {
  return {
    api: [
      limitBy({
        buckets: new TokenBuckets({ perMinute: settings.apiPerIpPerMinute }),
        keyOf: (req) => req.ip ?? null,
        detail: 'Too many requests from your address.',
      }),
      limitBy({
        buckets: new TokenBuckets({ perMinute: settings.apiPerTokenPerMinute }),
        keyOf: bearerKey,
        detail: 'Too many requests with this token.',
      }),
    ],
    webhooks: limitBy({
      buckets: new TokenBuckets({ perMinute: settings.webhooksPerIpPerMinute }),
      keyOf: (req) => req.ip ?? null,
      detail: 'Too many webhook deliveries from your address.',
    }),
    replies: limitBy({
      buckets: new TokenBuckets({ perMinute: settings.repliesPerOrgPerMinute }),
      keyOf: organizationKey,
      detail: "Your organization's limit of outbound messages per minute is reached.",
    }),
    calls: limitBy({
      buckets: new TokenBuckets({ perMinute: settings.callsPerOrgPerMinute }),
      keyOf: organizationKey,
      detail: "Your organization's limit of outbound calls per minute is reached.",
    }),
  };
}

function limitBy(input: {
  buckets: TokenBuckets;
  keyOf: (req: Request) => string | null;
  detail: string;
}): RequestHandler {
  return (req, res, next) => {
    const key = input.keyOf(req);
    if (key === null) return next();
    const result = input.buckets.take(key);
    if (result.allowed) return next();
    res.setHeader('Retry-After', String(result.retryAfterSeconds));
    next(problems.tooManyRequests(input.detail));
  };
}

/** A digest, so the limiter never holds a usable token in memory. */
function bearerKey(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? createHash('sha256').update(match[1]).digest('base64url') : null;
}

function organizationKey(req: Request): string | null {
  return req.caller?.orgId ?? null;
}
