// Jest ignores `testTimeout` inside a project; a setup file of the project is where it applies.
// Resilience tests' own waits (minutes after an outage) end first, so a slow run fails with their message.
jest.setTimeout(300_000);
