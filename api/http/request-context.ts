import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../config/logger';
import type { HttpMetrics } from '../metrics';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** A request slower than this is logged as worth a look, whatever the level of routine requests. */
export const SLOW_REQUEST_MS = 1_000;

/** Routine requests at `routineLevel` (debug in development, where health polls would bury the banner); failures and slow ones above it. */
export function accessLogLevel(input: {
  status: number;
  ms: number;
  routineLevel: 'debug' | 'info';
}): 'debug' | 'info' | 'warn' {
  if (input.status >= 500) return 'warn';
  if (input.status >= 400 || input.ms >= SLOW_REQUEST_MS) return 'info';
  return input.routineLevel;
}

/** A request id (the caller's X-Request-Id when sane), a JSON access log line and request metrics. */
export function requestContext(input: {
  logger: Logger;
  metrics: HttpMetrics;
  routineLevel?: 'debug' | 'info';
}): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    req.requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      input.metrics.observe({ method: req.method, route, status: res.statusCode, seconds });
      const ms = Math.round(seconds * 1000);
      const level = accessLogLevel({ status: res.statusCode, ms, routineLevel: input.routineLevel ?? 'info' });
      input.logger[level](
        {
          requestId: req.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms,
        },
        'request',
      );
    });
    next();
  };
}

/** Headers every response carries: this API serves JSON only, never pages. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Harmless over plain HTTP (browsers ignore it there); behind TLS it keeps clients on https.
  res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('Cache-Control', 'no-store');
  next();
};
