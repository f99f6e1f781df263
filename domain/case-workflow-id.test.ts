import fc from 'fast-check';
import { caseWorkflowId, parseCaseWorkflowId } from './case-workflow-id';

describe('case workflow id', () => {
  it('reads case-<orgSlug>-<number>', () => {
    expect(caseWorkflowId({ orgSlug: 'acme', caseNumber: 42 })).toBe('case-acme-42');
  });

  it('parses slugs that contain hyphens and digits', () => {
    expect(parseCaseWorkflowId('case-acme-2024-eu-7')).toEqual({ orgSlug: 'acme-2024-eu', caseNumber: 7 });
  });

  it.each([
    '',
    'case-',
    'case-acme',
    'case--7',
    'case-Acme-7',
    'case-acme-07',
    'case-acme-0',
    'case-acme-7x',
    'cases-acme-7',
    'case-acme_x-7',
    'case-acme-99999999999999999999',
  ])('rejects %j', (id) => {
    expect(parseCaseWorkflowId(id)).toBeNull();
  });

  it('refuses to build an id that could not be parsed back', () => {
    expect(() => caseWorkflowId({ orgSlug: 'Acme', caseNumber: 1 })).toThrow(RangeError);
    expect(() => caseWorkflowId({ orgSlug: '', caseNumber: 1 })).toThrow(RangeError);
    expect(() => caseWorkflowId({ orgSlug: 'acme', caseNumber: 0 })).toThrow(RangeError);
    expect(() => caseWorkflowId({ orgSlug: 'acme', caseNumber: 1.5 })).toThrow(RangeError);
  });

  it('round-trips every valid slug and case number', () => {
    const slug = fc.stringMatching(/^[a-z0-9-]{1,30}$/);
    const caseNumber = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(slug, caseNumber, (orgSlug, number) => {
        expect(parseCaseWorkflowId(caseWorkflowId({ orgSlug, caseNumber: number }))).toEqual({
          orgSlug,
          caseNumber: number,
        });
      }),
      { numRuns: 1000 },
    );
  });
});
