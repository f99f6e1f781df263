export interface TestStackInfo {
  runDir: string;
  databaseUrl: string;
  postgresServerUrl: string;
  temporalAddress: string;
  temporalCli: string;
  timeSkippingServer: string;
  workflowBundlePath: string;
}

const ENV_KEY = 'CASEBACKEND_TEST_STACK';

/** Global setup publishes the servers through the environment, which jest's workers inherit. */
export const testStack = {
  publish(info: TestStackInfo): void {
    process.env[ENV_KEY] = JSON.stringify(info);
  },
  read(): TestStackInfo {
    const raw = process.env[ENV_KEY];
    if (!raw)
      throw new Error('The integration test stack is not running (run through jest with the integration project).');
    return JSON.parse(raw) as TestStackInfo;
  },
};
