const ORG_SLUG = /^[a-z0-9-]+$/;
// The number is everything after the last hyphen, so slugs may contain hyphens and digits.
const CASE_WORKFLOW_ID = /^case-([a-z0-9-]+)-([1-9][0-9]*)$/;

/** Readable in the Temporal UI, and the business id that makes signalWithStart idempotent. */
export function caseWorkflowId(input: { orgSlug: string; caseNumber: number }): string {
  const { orgSlug, caseNumber } = input;
  if (!ORG_SLUG.test(orgSlug))
    throw new RangeError(`Organization slug "${orgSlug}" must be lowercase letters, digits and hyphens.`);
  if (!Number.isSafeInteger(caseNumber) || caseNumber < 1)
    throw new RangeError(`Case number ${caseNumber} must be a positive integer.`);
  return `case-${orgSlug}-${caseNumber}`;
}

export function parseCaseWorkflowId(id: string): { orgSlug: string; caseNumber: number } | null {
  const match = CASE_WORKFLOW_ID.exec(id);
  if (match === null) return null;
  const caseNumber = Number(match[2]);
  if (!Number.isSafeInteger(caseNumber)) return null;
  return { orgSlug: match[1], caseNumber };
}
