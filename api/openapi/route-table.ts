import type { Request, RequestHandler, Response, Router } from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from './zod';
import { callerOf, requireRole, type Caller } from '../auth/authenticate';
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
  handler: (input: { caller: Caller; params: z.infer<Params>; query: z.infer<Query>; body: z.infer<Body>; req: Request; res: Response }) => Promise<unknown>;
}

/**
 * Every API route is declared once here: the same zod schemas validate the request and describe it
 * in /openapi.json, so the document cannot drift from what the code accepts.
 */
export class RouteTable {
  readonly registry = new OpenAPIRegistry();

  constructor(private readonly router: Router) {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  }

  add<Params extends z.ZodType = z.ZodObject, Query extends z.ZodType = z.ZodObject, Body extends z.ZodType = z.ZodObject>(
    spec: RouteSpec<Params, Query, Body>,
  ): void {
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
      },
      responses: {
        [spec.status ?? 200]: { description: 'OK', content: { 'application/json': { schema: spec.response } } },
        400: { description: 'Invalid request (problem+json)' },
        401: { description: 'Missing or invalid token' },
        403: { description: 'Role not allowed' },
        404: { description: 'Not found in your organization' },
      },
    });
    const handler: RequestHandler = async (req, res) => {
      // A route without documented parameters refuses any, as the others refuse unknown ones.
      if (!spec.query) parseRequest(NO_QUERY_PARAMETERS, req.query, 'query');
      const result = await spec.handler({
        caller: callerOf(req),
        params: spec.params ? parseRequest(spec.params, req.params, 'params') : (undefined as z.infer<Params>),
        query: spec.query ? parseRequest(spec.query, req.query, 'query') : (undefined as z.infer<Query>),
        body: spec.body ? parseRequest(spec.body, req.body, 'body') : (undefined as z.infer<Body>),
        req,
        res,
      });
      res.status(spec.status ?? 200).json(result);
    };
    this.router[spec.method](spec.path, requireRole(...spec.roles), handler);
  }

  document(input: { serverUrl: string }) {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'Case backend API', version: '1.0.0', description: 'Cases, the inbox and agent actions, per organization.' },
      servers: [{ url: input.serverUrl }],
    });
  }
}
