import { randomUUID } from 'node:crypto';
import { createOrm } from '../../db/orm';
import { listPendingMigrations, migrateDownToEmpty, migrateUp } from '../../db/migrate';
import { testStack } from '../support/test-stack';
import { connectTestOrm } from '../support/connections';
import { CHANNELS, CONNECTED_CHANNELS } from '../../domain/channel-registry';

async function onServer(sql: string): Promise<void> {
  const orm = await createOrm({ databaseUrl: `${testStack.read().postgresServerUrl}/postgres`, poolMax: 1 });
  try {
    await orm.em.fork().execute(sql);
  } finally {
    await orm.close(true);
  }
}

describe('migrations', () => {
  const database = `migrations_${randomUUID().slice(0, 8)}`;
  beforeAll(() => onServer(`create database ${database}`));
  afterAll(() => onServer(`drop database if exists ${database} with (force)`));

  it('apply to an empty database, revert completely, and apply again', async () => {
    const orm = await createOrm({ databaseUrl: `${testStack.read().postgresServerUrl}/${database}`, poolMax: 2 });
    const tables = async () => {
      const rows: Array<{ table_name: string }> = await orm.em
        .fork()
        .execute(
          `select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations' order by 1`,
        );
      return rows.map((row) => row.table_name);
    };
    try {
      expect(await tables()).toEqual([]);
      const applied = await migrateUp(orm);
      expect(applied.length).toBeGreaterThan(0);
      expect(await listPendingMigrations(orm)).toEqual([]);
      const created = await tables();
      expect(created).toEqual(
        expect.arrayContaining([
          'organizations',
          'users',
          'api_tokens',
          'customers',
          'customer_identities',
          'devices',
          'threads',
          'cases',
          'messages',
          'attachments',
          'categories',
          'routing_rules',
          'read_marks',
          'case_events',
          'webhook_deliveries',
          'slack_threads',
          'slack_connections',
          'channel_connections',
          'notification_deliveries',
          'idempotency_keys',
        ]),
      );

      const reverted = await migrateDownToEmpty(orm);
      expect(reverted).toEqual([...applied].reverse());
      expect(await tables()).toEqual([]);

      expect(await migrateUp(orm)).toEqual(applied);
      expect(await tables()).toEqual(created);
    } finally {
      await orm.close(true);
    }
  });
});

describe('the schema and the channel registry', () => {
  it('allow the same channels', async () => {
    const orm = await connectTestOrm();
    const allowed = async (table: string) => {
      const rows: Array<{ definition: string }> = await orm.em.fork().execute(
        `select pg_get_constraintdef(oid) as definition from pg_constraint
          where conrelid = ?::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%(channel %'`,
        [table],
      );
      return rows.flatMap((row) => [...row.definition.matchAll(/'([a-z_]+)'::text/g)].map((match) => match[1])).sort();
    };
    try {
      expect(await allowed('cases')).toEqual([...CHANNELS].sort());
      expect(await allowed('channel_connections')).toEqual([...CONNECTED_CHANNELS].sort());
    } finally {
      await orm.close(true);
    }
  });
});

describe('the ORM entities and the migrated schema', () => {
  it('name only tables and columns that exist, with the same nullability', async () => {
    const orm = await connectTestOrm();
    try {
      const columns: Array<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }> = await orm.em
        .fork()
        .execute(
          `select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'`,
        );
      const schema = new Map(
        columns.map((column) => [`${column.table_name}.${column.column_name}`, column.is_nullable]),
      );
      const mismatches: string[] = [];
      const checked: string[] = [];
      for (const entity of Object.values(orm.getMetadata().getAll())) {
        for (const property of Object.values(entity.properties)) {
          for (const field of property.fieldNames ?? []) {
            const column = `${entity.tableName}.${field}`;
            checked.push(column);
            const nullable = schema.get(column);
            if (nullable === undefined) mismatches.push(`${entity.className}.${property.name}: no column ${column}`);
            else if ((nullable === 'YES') !== Boolean(property.nullable))
              mismatches.push(
                `${entity.className}.${property.name}: nullable ${String(property.nullable)}, column ${nullable}`,
              );
          }
        }
      }
      expect(checked).toEqual(expect.arrayContaining(['organizations.slug', 'users.email', 'routing_rules.action']));
      expect(mismatches).toEqual([]);
    } finally {
      await orm.close(true);
    }
  });
});
