import { ORG_ID } from './bench-ids';
import { FIRST_NAMES, LAST_NAMES, REPLIES, SUBJECTS, sqlArray } from './sample-text';

/** Set-based inserts: every row comes from generate_series, with deterministic ids (md5 of a label). */
export function loadStatements(cases: number): Array<[string, string]> {
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
