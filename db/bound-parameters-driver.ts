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
      ctx ??= ((queryOrKnex as unknown as { client: { transacting: boolean } }).client.transacting ? queryOrKnex as unknown as Transaction : undefined);
      const compiled = queryOrKnex.toSQL();
      sql = compiled.sql;
      bindings = [...(compiled.bindings ?? [])];
    } else {
      sql = queryOrKnex;
    }
    sql = this.config.get('onQuery')(sql, bindings);
    const readable = this.platform.formatQuery(sql, bindings);
    return this.executeQuery<T>(readable, async () => {
      // Without values, `?` is left alone (it may be part of the statement, as in a migration).
      const query = bindings.length === 0 ? this.getKnex().raw(sql) : this.getKnex().raw(sql, bindings as Knex.RawBinding[]);
      if (ctx) query.transacting(ctx as Knex.Transaction);
      return this.transformRawResult<T>(await query, method);
    }, { query: sql, params: bindings, ...loggerContext });
  }
}

export class BoundParametersDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    // `connection` is readonly in the typings; the driver builds its own in the constructor, this replaces it before any use.
    Object.assign(this, { connection: new BoundParametersConnection(this.config) });
  }
}
