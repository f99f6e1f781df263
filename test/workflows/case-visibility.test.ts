import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from './case-harness';
import { setStatusUpdate } from '../../workflows/case.contract';
import { eventually } from '../support/eventually';

describe('case search attributes on the dev server (what operators query in the Temporal UI)', () => {
  let harness: CaseHarness;
  beforeAll(async () => {
    harness = await CaseHarness.startOnDevServer({ taskQueue: 'case-visibility' });
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('finds running cases with CaseStatus="open" AND CaseChannel="instagram", and follows status changes', async () => {
    const org = await createTestOrganization(harness.orm.em.fork());
    const instagram = await harness.openCase({ orgId: org.id, channel: 'instagram' });
    const email = await harness.openCase({ orgId: org.id, channel: 'email' });
    const listIds = async (query: string) => {
      const ids: string[] = [];
      for await (const workflow of harness.env.client.workflow.list({ query })) ids.push(workflow.workflowId);
      return ids.sort();
    };

    const openInstagram = `CaseStatus="open" AND CaseChannel="instagram" AND OrgId="${org.id}"`;
    expect(
      await eventually(
        () => listIds(openInstagram),
        (ids) => ids.length === 1,
      ),
    ).toEqual([instagram.workflowId]);
    expect(
      await eventually(
        () => listIds(`OrgId="${org.id}" AND NeedsAttention=false`),
        (ids) => ids.length === 2,
      ),
    ).toEqual([email.workflowId, instagram.workflowId].sort());

    await harness
      .handle(instagram)
      .executeUpdate(setStatusUpdate, { args: [{ to: 'resolved', actor: { type: 'agent' } }] });
    expect(
      await eventually(
        () => listIds(openInstagram),
        (ids) => ids.length === 0,
      ),
    ).toEqual([]);
    expect(
      await eventually(
        () => listIds(`CaseStatus="resolved" AND OrgId="${org.id}"`),
        (ids) => ids.length === 1,
      ),
    ).toEqual([instagram.workflowId]);

    const description = await harness.handle(instagram).describe();
    expect(await description.memo).toMatchObject({ subject: 'Help', customer: 'Ada Customer' });
  });
});
