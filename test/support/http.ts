import type { Express } from 'express';
import type { AddressInfo } from 'node:net';

export interface RunningApp {
  baseUrl: string;
  close(): Promise<void>;
}

export async function listen(app: Express): Promise<RunningApp> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
