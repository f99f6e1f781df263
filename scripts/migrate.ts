import { envSchema } from '../config/env.schema';
import { createOrm } from '../db/orm';
import { migrateDownToEmpty, migrateUp } from '../db/migrate';

/** `npm run migrate` applies pending migrations; `npm run migrate -- down` reverts them all. */
async function main(): Promise<void> {
  const { DATABASE_URL } = envSchema.pick({ DATABASE_URL: true }).parse(process.env);
  const orm = await createOrm({ databaseUrl: DATABASE_URL, poolMax: 2 });
  try {
    const names = process.argv[2] === 'down' ? await migrateDownToEmpty(orm) : await migrateUp(orm);
    console.log(
      names.length === 0
        ? 'No pending migrations.'
        : `${process.argv[2] === 'down' ? 'Reverted' : 'Applied'}: ${names.join(', ')}`,
    );
  } finally {
    await orm.close(true);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
