import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from './zod';
import { AppError } from '../../app/app-error';
import { callerOf, requireRole, type Caller } from '../auth/authenticate';
import {
  answerOnce,
  fingerprintRequest,
  IDEMPOTENCY_KEY_HEADER,
  parseIdempotencyKey,
  requestKeyOf,
  type RouteAnswer,
} from '../http/idempotency';
import { parseRequest } from '../http/validate';

export type Role = Caller['role'];

const NO_QUERY_PARAMETERS = z.strictObject({});

export interface RouteSpec<Params extends z.ZodType, Query extends z.ZodType, Body extends z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express form, e.g. `/api/v1/cases/:id`. */
  path: string;
  summary: string;
  roles: Role[];
  params?: Params;
  query?: Query;
  body?: Body;
  response: z.ZodType;
  status?: number;
  /** Other answers the handler may give as a `StatusAnswer`, e.g. 202. */
  otherResponses?: Record<number, { description: string; schema: z.ZodType }>;
  /**
   * The route acts: a retry carrying the same Idempotency-Key gets the first answer again instead of
   * acting twice (api/http/idempotency.ts). Documented as an optional header.
   */
  idempotent?: true;
  handler: (input: {
    caller: Caller;
    params: z.infer<Params>;
    query: z.infer<Query>;
    body: z.infer<Body>;
    req: Request;
    res: Response;
    /** The same for every retry with the request's Idempotency-Key, fresh without one: updates and rows the request writes derive their ids from it. */
    requestKey: string;
  }) => Promise<unknown>;
}

/** A handler's answer with another status than its route's usual one (listed in `otherResponses`). */
export class StatusAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

const idempotencyKeyHeader = z.object({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      description:
        'Optional. A retry with the same key and the same request gets the first answer again (kept 24 hours; a 5xx is not kept); ' +
        'the same key with another request answers 409, and while the first request still runs, 409 to retry later.',
    }),
});

/**
 * Every API route is declared once here: the same zod schemas validate the request and describe it
 * in /openapi.json, so the document cannot drift from what the code accepts.
 */
export class RouteTable {
  readonly registry = new OpenAPIRegistry();

  constructor(
    private readonly router: Router,
    private readonly deps: { orm: MikroORM },
  ) {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  }

  add<
    Params extends z.ZodType = z.ZodObject,
    Query extends z.ZodType = z.ZodObject,
    Body extends z.ZodType = z.ZodObject,
  >(spec: RouteSpec<Params, Query, Body>): void {
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: spec.summary,
      description: `Roles: ${spec.roles.join(', ')}.`,
      security: [{ bearer: [] }],
      request: {
        ...(spec.params ? { params: spec.params as unknown as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as unknown as z.ZodObject } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
        ...(spec.idempotent ? { headers: idempotencyKeyHeader } : {}),
      },
      responses: {
        [spec.status ?? 200]: { description: 'OK', content: { 'application/json': { schema: spec.response } } },
        ...Object.fromEntries(
          Object.entries(spec.otherResponses ?? {}).map(([status, other]) => [
            status,
            {
              description: other.description,
              content: { 'application/json': { schema: other.schema } },
            },
          ]),
        ),
        400: { description: 'Invalid request (problem+json)' },
        401: { description: 'Missing or invalid token' },
        403: { description: 'Role not allowed' },
        404: { description: 'Not found in your organization' },
        ...(spec.idempotent
          ? {
              409: {
                description:
                  'Conflict (problem+json): the workflow refused, or the Idempotency-Key was used for another request or is still in progress',
              },
            }
          : {}),
      },
    });
    const handler: RequestHandler = async (req, res) => {
      const idempotencyKey = spec.idempotent ? parseIdempotencyKey(req.get(IDEMPOTENCY_KEY_HEADER)) : null;
      // A route without documented parameters refuses any, as the others refuse unknown ones.
      if (!spec.query) parseRequest(NO_QUERY_PARAMETERS, req.query, 'query');
      const caller = callerOf(req);
      const input = {
        caller,
        params: spec.params ? parseRequest(spec.params, req.params, 'params') : (undefined as z.infer<Params>),
        query: spec.query ? parseRequest(spec.query, req.query, 'query') : (undefined as z.infer<Query>),
        body: spec.body ? parseRequest(spec.body, req.body, 'body') : (undefined as z.infer<Body>),
        req,
        res,
        requestKey: idempotencyKey ? requestKeyOf({ caller, idempotencyKey }) : randomUUID(),
      };
      const run = async (): Promise<RouteAnswer> => {
        const result = await spec.handler(input).catch((error: unknown) => {
          throw qualifyFieldErrors(error, input);
        });
        return result instanceof StatusAnswer
          ? { status: result.status, body: JSON.stringify(result.body) }
          : { status: spec.status ?? 200, body: JSON.stringify(result) };
      };
      if (!idempotencyKey) return send(res, await run());
      const answer = await answerOnce({
        orm: this.deps.orm,
        caller,
        key: idempotencyKey,
        instance: req.originalUrl,
        run,
        fingerprint: fingerprintRequest({ method: req.method, path: `${req.baseUrl}${req.path}`, body: req.body }),
      });
      if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
      send(res, answer);
    };
    this.router[spec.method](spec.path, requireRole(...spec.roles), handler);
  }

  document(input: { serverUrl: string }) {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Case backend API',
        version: '1.0.0',
        description: 'Cases, the inbox and agent actions, per organization.',
      },
      servers: [{ url: input.serverUrl }],
    });
  }
}

/** A replayed 4xx is a problem, as it was the first time. */
function send(res: Response, answer: RouteAnswer): void {
  res
    .status(answer.status)
    .type(answer.status >= 400 ? 'application/problem+json' : 'application/json')
    .send(answer.body);
}

/**
 * An action names the fields of its own input (`assigneeId`); the API answers with where that field
 * was in the request (`body.assigneeId`), as request validation does.
 */
function qualifyFieldErrors(error: unknown, parts: { params: unknown; query: unknown; body: unknown }): unknown {
  if (!(error instanceof AppError) || !error.details.fieldErrors) return error;
  const locate = (field: string) => {
    const top = field.split('.')[0];
    const part = (['body', 'params', 'query'] as const).find(
      (name) => typeof parts[name] === 'object' && parts[name] !== null && top in (parts[name] as object),
    );
    return part ? `${part}.${field}` : field;
  };
  const fieldErrors = error.details.fieldErrors.map((fieldError) => ({
    ...fieldError,
    field: locate(fieldError.field),
  }));
  return new AppError(error.code, error.message, { ...error.details, fieldErrors });
}
