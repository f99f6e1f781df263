import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { testStack } from '../support/test-stack';

/**
 * Recorded case histories replayed against the current workflow code: a change that would break
 * running cases (non-determinism) fails here. Re-record with
 * `RECORD_WORKFLOW_HISTORIES=1 npx jest --selectProjects integration --testPathPatterns 'test/workflows'`
 * into a new set (RECORDED_HISTORY_SET in case-harness.ts) after a workflow change; older sets keep replaying.
 */
const directory = path.join(__dirname, '..', 'fixtures', 'workflow-histories');
// One folder per set of recordings, named for the day the workflow code they were recorded on changed.
const files = readdirSync(directory, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('replay of recorded case histories', () => {
  it('has recorded histories to replay, from the baseline on', () => {
    expect(files.filter((file) => file.startsWith('2026-12-07')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(path.join(directory, file), 'utf8')),
    );
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: testStack.read().workflowBundlePath } },
      history,
      `replay-${file}`,
    );
  });
});
