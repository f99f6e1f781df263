/** Extensions, organizations, people, connections, customers, devices, categories, rules and threads. Part of the initial migration (Migration20261125000000_initial.ts); never edited after it ran. */
export function createOrganizationTables(addSql: (sql: string) => void): void {
  addSql(`create extension if not exists pg_trgm;`);
  addSql(`create extension if not exists citext;`);

  addSql(`
      create table organizations (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text not null,
        plan text not null default 'standard' check (plan in ('standard', 'enterprise')),
        reopen_window_seconds integer not null default 604800 check (reopen_window_seconds > 0),
        messaging_window_seconds integer not null default 86400 check (messaging_window_seconds > 0),
        attention_after_seconds integer not null default 259200 check (attention_after_seconds > 0),
        human_agent_tag_enabled boolean not null default false,
        categorizer text not null default 'local' check (categorizer in ('local', 'llm')),
        support_email text,
        widget_secret_encrypted text,
        widget_identity_required boolean not null default false,
        webhook_secret_encrypted text,
        next_case_number integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

  addSql(`
      create table users (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        email citext not null,
        name text not null,
        role text not null check (role in ('admin', 'agent', 'partner')),
        available boolean not null default true,
        capacity integer check (capacity is null or capacity > 0),
        slack_user_id text,
        deactivated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, email),
        unique (org_id, id)
      );`);
  addSql(`create unique index users_slack_user_idx on users (org_id, slack_user_id) where slack_user_id is not null;`);

  addSql(`
      create table api_tokens (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        name text not null,
        token_hash text not null unique,
        token_prefix text not null,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );`);
  addSql(`create index api_tokens_user_idx on api_tokens (user_id);`);

  addSql(`
      create table slack_connections (
        org_id uuid primary key references organizations (id) on delete cascade,
        team_id text,
        bot_token_encrypted text not null,
        signing_secret_encrypted text,
        default_channel text not null,
        category_channels jsonb not null default '{}'::jsonb,
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

  addSql(`
      create table channel_connections (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        channel text not null check (channel in ('email', 'instagram', 'facebook', 'phone', 'widget')),
        external_id text not null,
        display_name text,
        credentials_encrypted text,
        settings jsonb not null default '{}'::jsonb,
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (channel, external_id)
      );`);
  addSql(`create index channel_connections_org_idx on channel_connections (org_id, channel);`);

  addSql(`
      create table customers (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        name text,
        email citext,
        phone text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, id)
      );`);
  addSql(`create index customers_org_email_idx on customers (org_id, email) where email is not null;`);
  addSql(`create index customers_org_phone_idx on customers (org_id, phone) where phone is not null;`);
  addSql(
    `create index customers_search_idx on customers using gin ((coalesce(name, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, '')) gin_trgm_ops);`,
  );

  addSql(`
      create table customer_identities (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        customer_id uuid not null references customers (id) on delete cascade,
        channel text not null,
        external_id text not null,
        display_name text,
        created_at timestamptz not null default now(),
        unique (org_id, channel, external_id)
      );`);
  addSql(`create index customer_identities_customer_idx on customer_identities (customer_id);`);

  addSql(`
      create table devices (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        customer_id uuid references customers (id) on delete set null,
        serial_number text not null,
        model text not null,
        firmware_version text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, serial_number)
      );`);
  addSql(`create index devices_customer_idx on devices (customer_id);`);

  addSql(`
      create table categories (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        name text not null,
        description text,
        auto_resolve boolean not null default false,
        slack_channel text,
        examples text[] not null default '{}',
        position integer not null default 0,
        deleted_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
  addSql(`create unique index categories_org_name_idx on categories (org_id, lower(name)) where deleted_at is null;`);

  addSql(`
      create table routing_rules (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        position integer not null,
        name text not null,
        enabled boolean not null default true,
        conditions jsonb not null default '{}'::jsonb,
        action jsonb not null,
        round_robin_cursor integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
  addSql(`create index routing_rules_org_idx on routing_rules (org_id, position);`);

  addSql(`
      create table threads (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        channel text not null,
        customer_id uuid references customers (id) on delete set null,
        external_ref text,
        subject text,
        reply_token text not null unique,
        created_at timestamptz not null default now()
      );`);
  addSql(
    `create unique index threads_external_ref_idx on threads (org_id, channel, external_ref) where external_ref is not null;`,
  );
}
