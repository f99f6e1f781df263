import type { EntityManager } from '@mikro-orm/postgresql';

/** An enabled phone connection: our number, and its Twilio credentials still encrypted. */
export interface StoredPhoneConnection {
  orgId: string;
  number: string;
  credentialsEncrypted: string | null;
}

type PhoneConnectionRow = { org_id: string; external_id: string; credentials_encrypted: string | null };

const SELECT_PHONE_CONNECTIONS = `select org_id, external_id, credentials_encrypted from channel_connections where channel = 'phone' and enabled`;

const toConnection = (row: PhoneConnectionRow): StoredPhoneConnection => ({
  orgId: row.org_id,
  number: row.external_id,
  credentialsEncrypted: row.credentials_encrypted,
});

/** The connections of these numbers, in any organization: the request's signature tells which one sent it. */
export async function listPhoneConnectionsByNumbers(
  em: EntityManager,
  numbers: string[],
): Promise<StoredPhoneConnection[]> {
  if (numbers.length === 0) return [];
  const rows: PhoneConnectionRow[] = await em.execute(
    `${SELECT_PHONE_CONNECTIONS} and (external_id in (${numbers.map(() => '?').join(', ')}))`,
    numbers,
  );
  return rows.map(toConnection);
}

/** The phone connections of the organizations that hold a call with this CallSid. */
export async function listPhoneConnectionsForCall(
  em: EntityManager,
  callSid: string,
): Promise<StoredPhoneConnection[]> {
  const rows: PhoneConnectionRow[] = await em.execute(
    `${SELECT_PHONE_CONNECTIONS} and (org_id in (select org_id from messages where channel = 'phone' and provider_message_id = ?))`,
    [callSid],
  );
  return rows.map(toConnection);
}
