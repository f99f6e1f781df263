import { Utils, type Configuration, type LoggingOptions, type Transaction } from '@mikro-orm/core';
import { PostgreSqlConnection, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';

/**
 * MikroORM 6 writes every parameter into the SQL text (escaped as a literal) before sending it. This
 * connection sends the SQL with `?` placeholders and the values separately (knex turns them into
 * `$1, $2, …`; PostgreSQL's extended protocol binds them), so no value ever becomes SQL text,
 * however it was escaped. Only the log line is formatted, for people to read.
 */
export class BoundParametersConnection extends PostgreSqlConnection {
  override async execute<T>(
    queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
    params: unknown[] = [],
    method: 'all' | 'get' | 'run' = 'all',
    ctx?: Transaction,
    loggerContext?: LoggingOptions,
  ): Promise<T> {
    await this.ensureConnection();
    let sql: string;
    let bindings: unknown[] = params;
    if (Utils.isObject<Knex.QueryBuilder | Knex.Raw>(queryOrKnex)) {
      ctx ??= (queryOrKnex as unknown as { client: { transacting: boolean } }).client.transacting
        ? (queryOrKnex as unknown as Transaction)
        : undefined;
      const compiled = queryOrKnex.toSQL();
      sql = compiled.sql;
      bindings = [...(compiled.bindings ?? [])];
    } else {
      sql = queryOrKnex;
    }
    sql = this.config.get('onQuery')(sql, bindings);
    const readable = this.platform.formatQuery(sql, bindings);
    ({ sql, bindings } = expandArrayParameters(sql, bindings));
    return this.executeQuery<T>(
      readable,
      async () => {
        // Without values, `?` is left alone (it may be part of the statement, as in a migration).
        const query =
          bindings.length === 0 ? this.getKnex().raw(sql) : this.getKnex().raw(sql, bindings as Knex.RawBinding[]);
        if (ctx) query.transacting(ctx as Knex.Transaction);
        return this.transformRawResult<T>(await query, method);
      },
      { query: sql, params: bindings, ...loggerContext },
    );
  }
}

/**
 * MikroORM's placeholders take an array as a list (`in (?)`, `array[?]` with ['a', 'b'] mean
 * `in ('a', 'b')`), while PostgreSQL would bind it as one array value. Each array parameter becomes
 * as many placeholders as it has items, so statements mean what they meant with inlined values.
 * `??` (an identifier) and `\\?` (a literal question mark) are left as they are, as MikroORM does.
 */
export function expandArrayParameters(sql: string, params: readonly unknown[]): { sql: string; bindings: unknown[] } {
  if (!params.some(Array.isArray)) return { sql, bindings: [...params] };
  const bindings: unknown[] = [];
  let text = '';
  let next = 0;
  for (let index = 0; index < sql.length; index += 1) {
    const char = sql[index];
    if (char === '\\' && sql[index + 1] === '?') {
      text += '\\?';
      index += 1;
    } else if (char === '?' && sql[index + 1] === '?') {
      text += '??';
      bindings.push(params[next++]);
      index += 1;
    } else if (char === '?') {
      const value = params[next++];
      const items = Array.isArray(value) ? value.flat(Infinity) : [value];
      text += items.map(() => '?').join(', ');
      bindings.push(...items);
    } else {
      text += char;
    }
  }
  return { sql: text, bindings };
}

export class BoundParametersDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    // `connection` is readonly in the typings; the driver builds its own in the constructor, this replaces it before any use.
    Object.assign(this, { connection: new BoundParametersConnection(this.config) });
  }
}
