import type { Orm } from './orm';

export async function migrateUp(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

export async function migrateDownToEmpty(orm: Orm): Promise<string[]> {
  const reverted = await orm.getMigrator().down({ to: 0 });
  return reverted.map((migration) => migration.name);
}

export async function listPendingMigrations(orm: Orm): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((migration) => migration.name);
}
