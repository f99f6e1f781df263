import { Migration } from '@mikro-orm/migrations';

const CUSTOMER_LINE = (row: string) =>
  `coalesce(${row}.name, '') || ' ' || coalesce(${row}.email::text, '') || ' ' || coalesce(${row}.phone, '')`;

/**
 * Text search over the active inbox only. The organization-wide trigram indexes answer a rare text
 * fast, but a common word ("refund") matches a fifth of all messages, almost all of them on resolved
 * cases, and every match is a heap recheck. These partial indexes hold only what an inbox search
 * can return (unresolved cases, about 5 % of the rows), so their cost grows with the active matches.
 *
 * Two columns carry what a partial index needs and triggers keep them true whatever code path writes:
 * - `cases.customer_search_line`: the customer's "name email phone", copied when a case gets its
 *   customer and rewritten when the customer changes, so subject and customer are one indexed line.
 * - `messages.case_active`: whether the message's case is unresolved, set when a message is written
 *   or moved and rewritten when its case is resolved or reopened (once per transition, not per write).
 * btree_gin lets one GIN index lead with org_id, so one tenant's search never walks another's matches.
 */
export class Migration20261125020000_active_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gin;`);

    this.addSql(`alter table cases add column customer_search_line text not null default '';`);
    this.addSql(
      `update cases c set customer_search_line = ${CUSTOMER_LINE('cu')} from customers cu where cu.id = c.customer_id;`,
    );
    this.addSql(`
      create function cases_copy_customer_search_line() returns trigger language plpgsql as $$
      begin
        new.customer_search_line := coalesce((select ${CUSTOMER_LINE('cu')} from customers cu where cu.id = new.customer_id), '');
        return new;
      end $$;`);
    this.addSql(`create trigger cases_customer_search_line before insert or update of customer_id on cases
      for each row execute function cases_copy_customer_search_line();`);
    this.addSql(`
      create function customers_spread_search_line() returns trigger language plpgsql as $$
      begin
        update cases set customer_search_line = ${CUSTOMER_LINE('new')} where customer_id = new.id;
        return null;
      end $$;`);
    this.addSql(`create trigger customers_search_line after update of name, email, phone on customers
      for each row when (old.name is distinct from new.name or old.email is distinct from new.email or old.phone is distinct from new.phone)
      execute function customers_spread_search_line();`);

    // Default false and then mark the (few) active ones: marking the (many) resolved ones instead would
    // leave a dead version of each of them in the partial index built below, until a vacuum.
    this.addSql(`alter table messages add column case_active boolean not null default false;`);
    this.addSql(
      `update messages m set case_active = true from cases c where c.id = m.case_id and c.status <> 'resolved';`,
    );
    this.addSql(`
      create function messages_copy_case_active() returns trigger language plpgsql as $$
      begin
        new.case_active := coalesce((select c.status <> 'resolved' from cases c where c.id = new.case_id), true);
        return new;
      end $$;`);
    this.addSql(`create trigger messages_case_active before insert or update of case_id on messages
      for each row execute function messages_copy_case_active();`);
    this.addSql(`
      create function cases_spread_active() returns trigger language plpgsql as $$
      begin
        update messages set case_active = (new.status <> 'resolved') where case_id = new.id;
        return null;
      end $$;`);
    this.addSql(`create trigger cases_active after update of status on cases
      for each row when ((old.status = 'resolved') is distinct from (new.status = 'resolved'))
      execute function cases_spread_active();`);

    this.addSql(
      `create index cases_active_search_idx on cases using gin (org_id, (subject || ' ' || customer_search_line) gin_trgm_ops) where status <> 'resolved';`,
    );
    this.addSql(
      `create index messages_active_search_idx on messages using gin (org_id, body gin_trgm_ops) where case_active;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists messages_active_search_idx;');
    this.addSql('drop index if exists cases_active_search_idx;');
    this.addSql('drop trigger if exists cases_active on cases;');
    this.addSql('drop function if exists cases_spread_active();');
    this.addSql('drop trigger if exists messages_case_active on messages;');
    this.addSql('drop function if exists messages_copy_case_active();');
    this.addSql('alter table messages drop column if exists case_active;');
    this.addSql('drop trigger if exists customers_search_line on customers;');
    this.addSql('drop function if exists customers_spread_search_line();');
    this.addSql('drop trigger if exists cases_customer_search_line on cases;');
    this.addSql('drop function if exists cases_copy_customer_search_line();');
    this.addSql('alter table cases drop column if exists customer_search_line;');
    this.addSql('drop extension if exists btree_gin;');
  }
}
