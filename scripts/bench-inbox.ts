/**
 * Times the inbox queries (every quick filter, the counts, text search) on a large organization.
 * Usage: npx tsx scripts/bench-inbox.ts [--cases 1000000] [--runs 50]
 * With DATABASE_URL it uses that server; without, it starts the embedded PostgreSQL in .data/bench/postgres.
 * Either way the data lives in the database `casebackend_bench`, loaded once per case count.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { envSchema } from '../config/env.schema';
import { buildOrmOptions } from '../db/orm';
import { migrateUp } from '../db/migrate';
import { countInboxCases } from '../db/inbox/count-inbox-cases';
import { listInboxCases, type ListInboxCasesInput } from '../db/inbox/list-inbox-cases';
import type { InboxQuery } from '../db/inbox/inbox-query';
import { findFreePort } from './local-stack/free-port';
import { startPostgres, type RunningPostgres } from './local-stack/postgres';

const ROOT = path.resolve(__dirname, '..');
const BENCH_DATABASE = 'casebackend_bench';
const ORG_ID = uuidOf('bench-org');
const CALLER_ID = uuidOf('agent1');
const PARTNER_ID = uuidOf('partner1');

interface Measured {
  name: string;
  rows: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU time of the PostgreSQL backend per run (null when the server is not on this machine). */
  cpuMsPerRun: number | null;
  plan: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { cases: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '50' } },
  });
  const cases = Number(values.cases);
  const runs = Number(values.runs);
  if (!Number.isInteger(cases) || cases < 1000 || !Number.isInteger(runs) || runs < 1)
    throw new Error('--cases must be an integer ≥ 1000 and --runs ≥ 1');

  const { DATABASE_URL } = envSchema.pick({ DATABASE_URL: true }).partial().parse(process.env);
  let embedded: RunningPostgres | undefined;
  let serverUrl: string;
  if (DATABASE_URL) {
    serverUrl = DATABASE_URL;
  } else {
    embedded = await startPostgres({
      dataDir: path.join(ROOT, '.data', 'bench', 'postgres'),
      port: await findFreePort(),
      persistent: true,
      databases: [BENCH_DATABASE],
    });
    serverUrl = embedded.serverUrl;
  }
  try {
    const databaseUrl = await ensureBenchDatabase(serverUrl);
    const captured: Array<{ sql: string; params: unknown[] }> = [];
    const orm = await MikroORM.init({
      // One connection, so one server backend runs every query and its CPU time can be read.
      ...buildOrmOptions({ databaseUrl, poolMax: 1 }),
      onQuery: (sql: string, params: unknown[]) => {
        captured.push({ sql, params });
        return sql;
      },
    });
    try {
      const applied = await migrateUp(orm);
      // A migration that rewrote rows leaves dead versions in indexes built after it, until a vacuum.
      if (applied.length > 0) await orm.em.fork().execute('vacuum analyze');
      await loadIfNeeded(orm.em.fork(), cases);
      const results = await measureAll({ em: orm.em.fork(), runs, captured });
      report({ cases, runs, results });
    } finally {
      await orm.close(true);
    }
  } finally {
    await embedded?.stop();
  }
}

/** The bench database on the given server, created when missing. */
async function ensureBenchDatabase(serverUrl: string): Promise<string> {
  const url = new URL(serverUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/postgres';
  const orm = await MikroORM.init({
    ...buildOrmOptions({ databaseUrl: url.toString(), poolMax: 1 }),
    entities: [],
    discovery: { warnWhenNoEntities: false },
  });
  try {
    const rows: unknown[] = await orm.em
      .fork()
      .execute('select 1 from pg_database where datname = ?', [BENCH_DATABASE]);
    if (rows.length === 0) await orm.em.fork().execute(`create database ${BENCH_DATABASE}`);
  } finally {
    await orm.close(true);
  }
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

async function loadIfNeeded(em: EntityManager, cases: number): Promise<void> {
  const existing: Array<{ count: string }> = await em.execute('select count(*) from cases where org_id = ?', [ORG_ID]);
  if (Number(existing[0].count) === cases) {
    console.error(`The bench database already holds ${cases} cases; skipping the load.`);
    return;
  }
  const started = performance.now();
  await em.transactional(async (tx) => {
    const superuser: Array<{ rolsuper: boolean }> = await tx.execute(
      'select rolsuper from pg_roles where rolname = current_user',
    );
    // The generated rows satisfy every foreign key by construction; skipping the per-row checks halves the
    // load. Triggers are skipped too, so the statements fill the columns they maintain (see the active_search migration).
    if (superuser[0]?.rolsuper) await tx.execute(`set local session_replication_role = replica`);
    await tx.execute(`set local maintenance_work_mem = '1GB'`);
    await tx.execute(`set local synchronous_commit = off`);
    await tx.execute('truncate organizations cascade');
    // Secondary indexes are rebuilt once after the load instead of being maintained row by row.
    const indexes: Array<{ name: string; definition: string }> = await tx.execute(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i
       where i.indrelid in ('cases'::regclass, 'messages'::regclass, 'customers'::regclass, 'read_marks'::regclass) and not i.indisunique`,
    );
    for (const index of indexes) await tx.execute(`drop index ${index.name}`);
    for (const [step, sql] of loadStatements(cases)) {
      const stepStarted = performance.now();
      await tx.execute(sql);
      console.error(`  ${step}: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    }
    const indexStarted = performance.now();
    for (const index of indexes) await tx.execute(index.definition);
    console.error(`  ${indexes.length} indexes: ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);
  });
  const vacuumStarted = performance.now();
  await em.execute('vacuum analyze');
  console.error(`  vacuum analyze: ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);
  console.error(`Loaded ${cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'David',
  'Emma',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Mia',
  'Noah',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
];
const LAST_NAMES = [
  'Adler',
  'Berg',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Martin',
  'Novak',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Schmidt',
  'Tanaka',
];
const SUBJECTS = [
  'Order not delivered',
  'Refund request',
  'Device will not turn on',
  'Battery drains fast',
  'Wrong item received',
  'Change shipping address',
  'Invoice needed',
  'Warranty claim',
  'App cannot connect',
  'Firmware update failed',
  'Cancel my subscription',
  'Damaged on arrival',
  'Question about sizes',
  'Discount code not working',
  'Payment declined',
  'Where is my parcel',
  'Return label',
  'Account locked',
  'Missing accessories',
  'Screen flickers',
];
const REPLIES = [
  'Thanks for reaching out, we are looking into it.',
  'We have issued a replacement.',
  'Your refund is on its way.',
  'Could you send a photo of the device?',
  'The tracking link has been updated.',
  'Please try restarting the device while holding the power button.',
];

const sqlArray = (values: readonly string[]): string =>
  `array[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]`;

/** Set-based inserts: every row comes from generate_series, with deterministic ids (md5 of a label). */
function loadStatements(cases: number): Array<[string, string]> {
  const customers = Math.ceil(cases / 2);
  const org = `'${ORG_ID}'::uuid`;
  const customerBody = (number: string) =>
    `(${sqlArray(SUBJECTS)})[1 + ${number} % ${SUBJECTS.length}] || ': please help, order ORD-' || (100000 + ${number}) || ' for ' || (${sqlArray(FIRST_NAMES)})[1 + ${number} % ${FIRST_NAMES.length}] || '.'`;
  return [
    // The same data on every load.
    ['seed', 'select setseed(0.42);'],
    [
      'organization, users, categories',
      `
      insert into organizations (id, slug, name, plan, next_case_number) values (${org}, 'bench', 'Bench', 'enterprise', ${cases + 1});
      insert into channel_connections (org_id, channel, external_id, display_name) values
        (${org}, 'instagram', 'bench-ig', 'Bench IG'), (${org}, 'facebook', 'bench-fb', 'Bench FB'), (${org}, 'email', 'bench-mail', 'Bench mail');
      insert into users (id, org_id, email, name, role) select md5('agent' || k)::uuid, ${org}, 'agent' || k || '@bench.test', 'Agent ' || k, 'agent' from generate_series(1, 50) k;
      insert into users (id, org_id, email, name, role) select md5('partner' || k)::uuid, ${org}, 'partner' || k || '@bench.test', 'Partner ' || k, 'partner' from generate_series(1, 2) k;
      insert into categories (id, org_id, name, position) select md5('category' || k)::uuid, ${org}, 'Category ' || k, k from generate_series(1, 20) k;`,
    ],
    [
      'customers',
      `
      insert into customers (id, org_id, name, email, phone)
      select md5('customer' || k)::uuid, ${org}, (${sqlArray(FIRST_NAMES)})[1 + floor(random() * 20)::int] || ' ' || (${sqlArray(LAST_NAMES)})[1 + floor(random() * 20)::int],
        'customer' || k || '@mail.test', '+1555' || lpad(k::text, 7, '0')
      from generate_series(1, ${customers}) k;`,
    ],
    // The newest 60 days hold most open work (half of those cases are unresolved), older cases are
    // mostly resolved and, after two weeks, archived: about 5 % of all cases end up active. No case was
    // reopened, so an unresolved one needs attention the organization's delay after it was created,
    // the deadline its workflow would have written.
    [
      'cases',
      `
      with anchor as (select date_trunc('second', now()) as at),
      base as (
        select i, (select at from anchor) - interval '730 days' * ((${cases} - i)::float8 / ${cases}) as created_at,
          random() as r_active, random() as r_status, random() as r_channel, random() as r_agent, random() as r_assign,
          random() as r_cat, random() as r_imp, random() as r_lcma, random() as r_reply, random() as r_resolve, random() as r_archive
        from generate_series(1, ${cases}) i),
      shaped as (
        select base.*, (select at from anchor) as anchor,
          case when r_active >= case when created_at > (select at from anchor) - interval '60 days' then 0.5 else 0.01 end then 'resolved'
               when r_status < 0.3 then 'open' when r_status < 0.7 then 'in_progress' else 'waiting_for_customer' end as status,
          case when r_channel < 0.35 then 'email' when r_channel < 0.55 then 'instagram' when r_channel < 0.70 then 'facebook'
               when r_channel < 0.80 then 'phone' when r_channel < 0.90 then 'widget' when r_channel < 0.95 then 'partner' else 'manual' end as channel
        from base),
      timed as (
        select shaped.*,
          case when channel = 'manual' and r_lcma < 0.5 then null
               when status <> 'resolved' then created_at + (anchor - created_at) * r_lcma
               else created_at + interval '3 hours' * r_lcma end as lcma
        from shaped),
      replied as (
        select timed.*,
          case when status in ('waiting_for_customer', 'resolved') then least(anchor, coalesce(lcma, created_at) + interval '2 hours' * r_reply) else coalesce(lcma, created_at) end as last_message_at
        from timed),
      closed as (
        select replied.*,
          case when status = 'resolved' then least(anchor, last_message_at + interval '1 day' * r_resolve) end as resolved_at,
          status = 'resolved' and created_at < anchor - interval '14 days' and r_archive < 0.9 as archived
        from replied)
      insert into cases (id, org_id, number, workflow_id, channel, status, resolution, archived, subject, customer_id, assignee_id, category_id,
        created_by_user_id, important, window_expires_at, opened_at, attention_due_at, resolved_at, archived_at, last_customer_message_at,
        last_message_at, last_message_snippet, customer_search_line, version, created_at, updated_at)
      select md5('case' || i)::uuid, ${org}, i, 'case-bench-' || i, channel, status, case when status = 'resolved' then 'manual' end, archived,
        (${sqlArray(SUBJECTS)})[1 + i % ${SUBJECTS.length}] || case when i % 3 = 0 then ' (order ORD-' || (100000 + i) || ')' else '' end,
        md5('customer' || (1 + i % ${customers}))::uuid,
        case when r_assign < case when status = 'open' then 0.5 else 0.1 end then null else md5('agent' || (1 + floor(r_agent * 50)::int))::uuid end,
        case when r_cat < 0.9 then md5('category' || (1 + floor(r_cat / 0.9 * 20)::int))::uuid end,
        case when channel = 'partner' then md5('partner' || (1 + i % 2))::uuid end,
        r_imp < 0.05,
        case when channel in ('instagram', 'facebook') and lcma is not null then lcma + interval '24 hours' end,
        closed.created_at, case when status <> 'resolved' then closed.created_at + make_interval(secs => o.attention_after_seconds) end,
        resolved_at, case when archived then resolved_at + interval '7 days' end, lcma, last_message_at,
        left(${customerBody('i')}, 120), cu.name || ' ' || cu.email || ' ' || cu.phone, 1, closed.created_at,
        greatest(closed.created_at, last_message_at, resolved_at, case when archived then resolved_at + interval '7 days' end)
      from closed join customers cu on cu.id = md5('customer' || (1 + i % ${customers}))::uuid
        join organizations o on o.id = ${org};`,
    ],
    [
      'messages',
      `
      insert into messages (org_id, case_id, channel, direction, kind, author_type, provider_message_id, body, occurred_at, created_at, case_active)
      select c.org_id, c.id, c.channel, 'inbound', 'message', 'customer', 'bench-' || c.number, ${customerBody('c.number')},
        coalesce(c.last_customer_message_at, c.created_at), coalesce(c.last_customer_message_at, c.created_at), c.status <> 'resolved'
      from cases c where c.org_id = ${org};
      insert into messages (org_id, case_id, channel, direction, kind, author_type, author_user_id, body, delivery_status, occurred_at, created_at, case_active)
      select c.org_id, c.id, c.channel, 'outbound', 'message', 'agent', c.assignee_id, (${sqlArray(REPLIES)})[1 + c.number % ${REPLIES.length}], 'delivered',
        c.last_message_at, c.last_message_at, c.status <> 'resolved'
      from cases c where c.org_id = ${org} and c.number % 10 <> 0;`,
    ],
    // Assignees read most of their cases (some before the customer's last message: unread again);
    // one case in ten was also opened by a colleague; agent 2 has read every active case.
    [
      'read marks',
      `
      insert into read_marks (user_id, case_id, org_id, read_at)
      select c.assignee_id, c.id, c.org_id,
        case when random() < 0.8 then coalesce(c.last_customer_message_at, c.created_at) + random() * interval '1 hour'
             else coalesce(c.last_customer_message_at, c.created_at) - interval '1 minute' end
      from cases c where c.org_id = ${org} and c.assignee_id is not null;
      insert into read_marks (user_id, case_id, org_id, read_at)
      select md5('agent' || (1 + c.number * 7 % 50))::uuid, c.id, c.org_id, c.updated_at
      from cases c where c.org_id = ${org} and c.number % 10 = 0
      on conflict do nothing;
      insert into read_marks (user_id, case_id, org_id, read_at)
      select md5('agent2')::uuid, c.id, c.org_id, c.updated_at from cases c where c.org_id = ${org} and c.status <> 'resolved'
      on conflict (user_id, case_id) do update set read_at = excluded.read_at;`,
    ],
  ];
}

interface BenchQuery {
  name: string;
  run: (em: EntityManager) => Promise<number>;
}

async function benchQueries(em: EntityManager): Promise<BenchQuery[]> {
  const anchor: Array<{ at: string }> = await em.execute('select max(created_at) as at from cases where org_id = ?', [
    ORG_ID,
  ]);
  const query: InboxQuery = { orgId: ORG_ID, userId: CALLER_ID, now: new Date(anchor[0].at) };
  const list = (
    name: string,
    input: Omit<ListInboxCasesInput, 'query'> & { query?: Partial<InboxQuery> },
  ): BenchQuery => ({
    name,
    run: async (manager) =>
      (await listInboxCases(manager, { ...input, query: { ...query, ...input.query }, limit: 25 })).items.length,
  });
  const counts = (name: string, extra: Partial<InboxQuery> = {}): BenchQuery => ({
    name,
    run: async (manager) => (await countInboxCases(manager, { query: { ...query, ...extra } })).all,
  });
  // A cursor 40 pages deep, to show that a later page costs what the first does.
  let deep: string | undefined;
  for (let page = 0; page < 40; page += 1)
    deep = (await listInboxCases(em, { query, cursor: deep, limit: 25 })).nextCursor ?? undefined;
  const active: Array<{ number: number }> = await em.execute(
    `select number from cases where org_id = ? and status <> 'resolved' order by number limit 1 offset 100`,
    [ORG_ID],
  );
  const orderNumber = `ORD-${100000 + active[0].number}`;
  return [
    list('all, updated', { filter: 'all', sort: 'updated' }),
    list('all, created', { filter: 'all', sort: 'created' }),
    list('all, window_expires', { filter: 'all', sort: 'window_expires' }),
    list('all, updated, page 41 (cursor)', { filter: 'all', sort: 'updated', cursor: deep }),
    list('time_sensitive (by expiry)', { filter: 'time_sensitive' }),
    list('time_sensitive, updated', { filter: 'time_sensitive', sort: 'updated' }),
    list('unread, updated', { filter: 'unread', sort: 'updated' }),
    list('unread, created', { filter: 'unread', sort: 'created' }),
    list('unread, caller has read everything (empty)', { filter: 'unread', query: { userId: uuidOf('agent2') } }),
    list('important, updated', { filter: 'important', sort: 'updated' }),
    list('needs_attention, updated', { filter: 'needs_attention', sort: 'updated' }),
    list('needs_attention, created', { filter: 'needs_attention', sort: 'created' }),
    list('assigned_to_me, updated', { filter: 'assigned_to_me', sort: 'updated' }),
    list('unassigned, updated', { filter: 'unassigned', sort: 'updated' }),
    list('all, channel=instagram + category', {
      filter: 'all',
      query: { channels: ['instagram'], categoryIds: [uuidOf('category3')] },
    }),
    list('partner scope, all', { filter: 'all', query: { createdByUserId: PARTNER_ID } }),
    list('archive (archived=true), updated', { filter: 'all', query: { archived: true } }),
    list(`q="${orderNumber}" (an order number)`, { filter: 'all', query: { q: orderNumber } }),
    list('q="customer4242" (customer email)', { filter: 'all', query: { q: 'customer4242' } }),
    list('q="refund" (common word)', { filter: 'all', query: { q: 'refund' } }),
    list('q="Kowalski" (a surname: 5 % of customers)', { filter: 'all', query: { q: 'Kowalski' } }),
    counts('counts'),
    counts('counts, channel=instagram', { channels: ['instagram'] }),
    counts('counts, partner scope', { createdByUserId: PARTNER_ID }),
    counts(`counts, q="${orderNumber}"`, { q: orderNumber }),
    counts('counts, q="Kowalski"', { q: 'Kowalski' }),
    counts('counts, q="refund"', { q: 'refund' }),
  ];
}

async function measureAll(input: {
  em: EntityManager;
  runs: number;
  captured: Array<{ sql: string; params: unknown[] }>;
}): Promise<Measured[]> {
  const { em, runs, captured } = input;
  const results: Measured[] = [];
  const backend: Array<{ pid: number }> = await em.execute('select pg_backend_pid() as pid');
  for (const query of await benchQueries(em)) {
    for (let warm = 0; warm < 3; warm += 1) await query.run(em);
    const timings: number[] = [];
    let rows = 0;
    const cpuBefore = backendCpuMs(backend[0].pid);
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      rows = await query.run(em);
      timings.push(performance.now() - started);
    }
    const cpuAfter = backendCpuMs(backend[0].pid);
    const cpuMsPerRun = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / runs;
    captured.length = 0;
    await query.run(em);
    // The last statement is the inbox query itself (the first reads the organization's settings).
    const statement = captured[captured.length - 1];
    const plan: Array<{ 'QUERY PLAN': string }> = await em.execute(`explain ${statement.sql}`, statement.params);
    timings.sort((a, b) => a - b);
    results.push({
      name: query.name,
      rows,
      p50: percentile(timings, 50),
      p95: percentile(timings, 95),
      p99: percentile(timings, 99),
      cpuMsPerRun,
      plan: plan.map((line) => line['QUERY PLAN']),
    });
    console.error(
      `  ${query.name}: p95 ${percentile(timings, 95).toFixed(1)} ms, backend CPU ${cpuMsPerRun?.toFixed(1) ?? '?'} ms/run`,
    );
  }
  return results;
}

/**
 * User + system CPU of a server process on this machine, from /proc (clock ticks of 10 ms).
 * Wall times suffer when other processes share the two cores; a backend's CPU time barely does.
 */
function backendCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function report(input: { cases: number; runs: number; results: Measured[] }): void {
  const at = new Date().toISOString();
  const directory = path.join(ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `inbox-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at, cases: input.cases, runs: input.runs, goalP95Ms: 50, results: input.results }, null, 2)}\n`,
  );
  const lines = [
    `### Inbox queries at ${input.cases.toLocaleString('en-US')} cases (${input.runs} runs each, ms)`,
    '',
    '| query | rows | p50 | p95 | p99 | backend CPU/run | p95 < 50 ms |',
    '|---|---:|---:|---:|---:|---:|:---:|',
    ...input.results.map(
      (r) =>
        `| ${r.name} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMsPerRun?.toFixed(1) ?? '?'} | ${r.p95 < 50 ? 'yes' : '**no**'} |`,
    ),
    '',
    '### Plans (top nodes)',
    '',
    ...input.results.flatMap((r) => [`**${r.name}**`, '```', ...topNodes(r.plan), '```', '']),
    `Results: ${path.relative(ROOT, file)}`,
  ];
  console.log(lines.join('\n'));
}

/** The plan's nodes without cost noise, with the conditions that show which index does the work. */
function topNodes(plan: string[]): string[] {
  return plan
    .filter((line) => /->|^\S/.test(line) || /Index Cond/.test(line))
    .map((line) => line.replace(/\s+\(cost=[^)]*\)/, ''))
    .slice(0, 40);
}

function uuidOf(label: string): string {
  // The same md5-of-a-label ids the loader gives rows, so the script can name them without a lookup.
  const hex = md5Hex(label);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
