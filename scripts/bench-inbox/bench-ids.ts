import { createHash } from 'node:crypto';

/**
 * The loader gives every row an md5-of-a-label id (`md5('agent' || k)::uuid`), so the measured
 * queries can name the organization, the caller or a category without a lookup.
 */
export function uuidOf(label: string): string {
  const hex = createHash('md5').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const ORG_ID = uuidOf('bench-org');
export const CALLER_ID = uuidOf('agent1');
export const PARTNER_ID = uuidOf('partner1');
