import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import * as entities from './entities';
import { migrationsList } from './migrations';
import { BoundParametersDriver } from './bound-parameters-driver';

export type Orm = MikroORM;

export function buildOrmOptions(input: { databaseUrl: string; poolMax?: number }): Options {
  return {
    driver: BoundParametersDriver,
    clientUrl: input.databaseUrl,
    entities: Object.values(entities).filter((value) => typeof value === 'object' && value !== null && 'meta' in value),
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: input.poolMax ?? 10 },
    // The schema is defined by migrations only.
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
  };
}

export async function createOrm(input: { databaseUrl: string; poolMax?: number }): Promise<Orm> {
  return MikroORM.init(buildOrmOptions(input));
}
