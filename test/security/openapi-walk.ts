import fc from 'fast-check';
import type { ApiHarness } from '../support/api-harness';
import type { ConnectedOrg } from './security-setup';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface DocumentedRoute {
  method: string;
  /** OpenAPI form, `/api/v1/cases/{id}`. */
  path: string;
  roles: Array<'admin' | 'agent' | 'partner'>;
  body: JsonSchema | null;
  query: Array<{ name: string; schema: JsonSchema }>;
}

interface Operation {
  description?: string;
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  parameters?: Array<{ name: string; in: string; schema: JsonSchema }>;
}

/** Every route /openapi.json documents: routes added later are walked without touching the tests. */
export async function documentedRoutes(api: ApiHarness): Promise<DocumentedRoute[]> {
  const document = (await api.call({ path: '/openapi.json' })).body as {
    paths: Record<string, Record<string, Operation>>;
  };
  const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      roles: (/Roles: ([a-z, ]+)\./.exec(operation.description ?? '')?.[1].split(', ') ??
        []) as DocumentedRoute['roles'],
      body: operation.requestBody?.content['application/json'].schema ?? null,
      query: (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => ({ name: parameter.name, schema: parameter.schema })),
    })),
  );
  // The walks loop over these: if the document's shape changed, they would probe nothing and pass.
  const withoutRoles = routes
    .filter((route) => route.roles.length === 0)
    .map((route) => `${route.method} ${route.path}`);
  if (routes.length === 0 || withoutRoles.length > 0) {
    throw new Error(
      `/openapi.json no longer reads as expected: ${routes.length} routes; without "Roles: …." in their description: ${withoutRoles.join(', ') || 'none'}`,
    );
  }
  return routes;
}

/** The id an `{id}` stands for, by the collection before it; an unknown collection gets a fresh UUID. */
export function idFor(path: string, ids: ConnectedOrg['ids'] & { userId: string }): string {
  const collection = /\/([a-z-]+)\/\{id\}/.exec(path)?.[1];
  const byCollection: Record<string, string> = {
    cases: ids.caseId,
    categories: ids.categoryId,
    customers: ids.customerId,
    devices: ids.deviceId,
    'routing-rules': ids.routingRuleId,
    users: ids.userId,
    tokens: ids.tokenId,
    channels: ids.connectionId,
  };
  return (collection && byCollection[collection]) ?? '00000000-0000-4000-8000-000000000000';
}

export const concrete = (path: string, id: string) => path.replace(/\{[^}]+\}/g, id);

/** Values no schema expects: every type, control characters, markup, SQL, huge numbers. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '<script>alert(1)</script>',
    "'; select pg_sleep(2)--",
    "' or '1'='1",
    '\u202e',
    '𝕏'.repeat(100),
    'a'.repeat(5000),
    -1,
    0,
    1e308,
    -1e308,
    2 ** 53,
    2 ** 31,
    1.5,
    true,
    null,
    [],
    {},
    { $ne: null },
    JSON.parse('{"__proto__":{"isAdmin":true}}') as unknown,
    '00000000-0000-0000-0000-000000000000',
  ),
);

/**
 * Values that follow the documented schema (so they reach the handler), drawing ids from `uuids`
 * (the organization's own, so references resolve).
 */
export function fromSchema(schema: JsonSchema, uuids: string[]): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return fc.oneof(...variants.map((variant) => fromSchema(variant, uuids)));
  if (schema.allOf) return fromSchema(Object.assign({}, ...schema.allOf) as JsonSchema, uuids);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['object'];
  const nonNull = types.filter((type) => type !== 'null');
  const value = fromType(nonNull[0] ?? 'null', schema, uuids);
  return types.includes('null') ? fc.oneof(value, fc.constant(null)) : value;
}

function fromType(type: string, schema: JsonSchema, uuids: string[]): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringFrom(schema, uuids);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, uuids), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    default: {
      const properties = schema.properties ?? {};
      // Some emails are checked after a transform, which the document cannot show as a format.
      const record = Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [
          name,
          fromSchema(name === 'email' ? { ...property, format: 'email' } : property, uuids),
        ]),
      );
      return fc.record(record, { requiredKeys: schema.required ?? [] });
    }
  }
}

function stringFrom(schema: JsonSchema, uuids: string[]): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return uuids.length > 0 ? fc.oneof(fc.constantFrom(...uuids), fc.uuid()) : fc.uuid();
  if (schema.format === 'email')
    return fc
      .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[a-z]{1,8}$/))
      .map(([user, domain]) => `${user}@${domain}.test`);
  if (schema.format === 'date-time')
    return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((date) => date.toISOString());
  if (schema.pattern)
    return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= (schema.maxLength ?? 10_000));
  const minLength = schema.minLength ?? 0;
  return fc
    .string({ unit: 'grapheme', minLength, maxLength: Math.min(schema.maxLength ?? 60, 60) })
    .filter((text) => text.trim().length >= minLength);
}

/** A valid body with one field (or the whole body) replaced by a hostile value. */
export function mutated(schema: JsonSchema, uuids: string[]): fc.Arbitrary<unknown> {
  return fc.tuple(fromSchema(schema, uuids), hostile, fc.nat(), fc.boolean()).map(([valid, value, index, whole]) => {
    if (whole || valid === null || typeof valid !== 'object' || Array.isArray(valid)) return value;
    const keys = Object.keys(schema.properties ?? {});
    if (keys.length === 0) return { [String(index)]: value };
    return { ...(valid as Record<string, unknown>), [keys[index % keys.length]]: value };
  });
}
