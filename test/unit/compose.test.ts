import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../../config/env.schema';
import { searchAttributeCliPairs } from '../../workflows/search-attributes';

/**
 * Static checks of the production-like stack (docker-compose.yml, Dockerfile, deploy/): no Docker
 * engine is needed, so a broken start order, an unpinned image or a variable the app does not read
 * is caught before anyone runs `docker compose up`.
 */

const root = join(__dirname, '..', '..');
const readRepoFile = (path: string): string => readFileSync(join(root, path), 'utf8');

interface DependsOnEntry {
  condition?: string;
}

interface PortMapping {
  target?: number | string;
  published?: number | string;
}

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, DependsOnEntry> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | PortMapping)[];
  volumes?: (string | { source?: string; target?: string })[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

// merge: true resolves the `<<: *anchor` keys that share environment blocks, as Compose does.
const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`service ${name} is missing from docker-compose.yml`);
  return found;
};

const oneShotJobs = ['temporal-admin-tools', 'temporal-create-namespace', 'migrate'];
const longRunning = ['postgres', 'temporal', 'temporal-ui', 'api', 'worker'];
const appServices = ['api', 'worker', 'migrate'];

const environmentOf = (svc: ComposeService): Record<string, string | null> => {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? null : String(value)]));
};

const dependenciesOf = (svc: ComposeService): Record<string, string> => {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, entry]) => [name, entry.condition ?? 'service_started']));
};

/** [host port, container port] pairs; accepts "c", "h:c", "ip:h:c", "h:c/tcp" and the long syntax. */
const publishedPorts = (svc: ComposeService): [number, number][] =>
  (svc.ports ?? []).map((port) => {
    if (typeof port === 'object') return [Number(port.published), Number(port.target)];
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const container = Number(parts[parts.length - 1]);
    const host = parts.length > 1 ? Number(parts[parts.length - 2]) : container;
    return [host, container];
  });

const commandLine = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? value.join(' ') : (value ?? '');

const apiPortDefault = envSchema.shape.API_PORT.parse(undefined);
const schemaKeys = Object.keys(envSchema.shape);
const requiredKeys = Object.entries(envSchema.shape)
  .filter(([, schema]) => !schema.safeParse(undefined).success)
  .map(([key]) => key);

describe('docker-compose.yml', () => {
  it('declares every service of the stack', () => {
    for (const name of [...longRunning, ...oneShotJobs]) expect(services).toHaveProperty(name);
  });

  it('pins every image to a version (no latest, no deprecated auto-setup)', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (!svc.image) {
        expect({ name, build: svc.build }).toEqual({ name, build: expect.anything() });
        continue;
      }
      const image = svc.image;
      const tag = image.includes('@') ? image.split('@')[1] : image.split('/').pop()?.split(':')[1];
      expect({ name, image, tag }).toEqual({ name, image, tag: expect.stringMatching(/./) });
      expect({ name, image }).toEqual({ name, image: expect.not.stringMatching(/:latest$|auto-setup/) });
    }
    expect(service('temporal').image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(service('temporal-admin-tools').image).toMatch(/^temporalio\/admin-tools:\d+\.\d+\.\d+$/);
    expect(service('temporal-create-namespace').image).toBe(service('temporal-admin-tools').image);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(service('postgres').image).toBe('postgres:16');
  });

  it('keeps server and admin-tools on the same Temporal version', () => {
    const version = (image = '') => image.split(':')[1];
    expect(version(service('temporal-admin-tools').image)).toBe(version(service('temporal').image));
  });

  it('builds api, worker and migrate from the one Dockerfile image', () => {
    const images = new Set(appServices.map((name) => service(name).image));
    expect(images.size).toBe(1);
    for (const name of appServices) expect(service(name).build).toBeDefined();
  });

  it('gives every long-running service a healthcheck and runs one-shot jobs once', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (oneShotJobs.includes(name)) {
        expect({ name, restart: svc.restart }).toEqual({ name, restart: 'no' });
      } else {
        expect({ name, healthcheck: svc.healthcheck?.test }).toEqual({ name, healthcheck: expect.anything() });
        expect(svc.healthcheck?.disable).not.toBe(true);
      }
    }
  });

  it('starts in order: postgres → admin-tools → temporal → namespace → api/worker, migrate first', () => {
    const deps = (name: string) => dependenciesOf(service(name));
    expect(deps('temporal-admin-tools')).toMatchObject({ postgres: 'service_healthy' });
    expect(deps('temporal')).toMatchObject({ 'temporal-admin-tools': 'service_completed_successfully' });
    expect(deps('temporal-create-namespace')).toMatchObject({ temporal: 'service_healthy' });
    expect(deps('temporal-ui')).toMatchObject({ temporal: 'service_healthy' });
    expect(deps('migrate')).toMatchObject({ postgres: 'service_healthy' });
    for (const name of ['api', 'worker']) {
      expect(deps(name)).toMatchObject({
        postgres: 'service_healthy',
        temporal: 'service_healthy',
        'temporal-create-namespace': 'service_completed_successfully',
        migrate: 'service_completed_successfully',
      });
    }
  });

  it('waits only on conditions that can be met, and has no dependency cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle through ${name}`);
      visiting.add(name);
      for (const [dep, condition] of Object.entries(dependenciesOf(service(name)))) {
        if (condition === 'service_healthy')
          expect({ dep, healthcheck: service(dep).healthcheck }).toEqual({ dep, healthcheck: expect.anything() });
        if (condition === 'service_completed_successfully') expect(oneShotJobs).toContain(dep);
        visit(dep);
      }
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name);
  });

  it('publishes the API on the default API_PORT, Temporal on 7233 and its UI on 8080', () => {
    expect(apiPortDefault).toBe(3000);
    expect(publishedPorts(service('api'))).toContainEqual([apiPortDefault, apiPortDefault]);
    expect(environmentOf(service('api')).API_PORT).toBe(String(apiPortDefault));
    expect(publishedPorts(service('temporal'))).toContainEqual([7233, 7233]);
    expect(publishedPorts(service('temporal-ui'))).toContainEqual([8080, 8080]);
    expect(commandLine(service('api').healthcheck?.test)).toContain(`:${apiPortDefault}/health`);
  });

  it.each(appServices)('passes %s only variables the app reads, including every required one', (name) => {
    const env = environmentOf(service(name));
    const keys = Object.keys(env);
    expect(keys.filter((key) => !schemaKeys.includes(key))).toEqual([]);
    expect(requiredKeys.sort()).toEqual(['DATABASE_URL', 'SECRETS_KEY', 'TEMPORAL_ADDRESS']);
    for (const key of requiredKeys)
      expect({ key, value: env[key] }).toEqual({ key, value: expect.stringMatching(/./) });
    expect(env.SECRETS_KEY).toMatch(/^\$\{SECRETS_KEY:\?.+\}$/);
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/casebackend:.+@postgres:5432\/casebackend$/);
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'default',
      NODE_ENV: 'production',
    });
  });

  it('mounts scripts and config that exist in deploy/', () => {
    const mounted = new Map<string, string>();
    for (const [name, svc] of Object.entries(services)) {
      for (const volume of svc.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
        const target = typeof volume === 'string' ? volume.split(':')[1] : (volume.target ?? '');
        if (!source.startsWith('.')) continue;
        expect({ name, source, exists: existsSync(join(root, source)) }).toEqual({ name, source, exists: true });
        mounted.set(`${name} ${target}`, source);
      }
    }
    const scriptOf = (name: string) => commandLine(service(name).command);
    expect(mounted.get(`temporal-admin-tools ${scriptOf('temporal-admin-tools')}`)).toBe(
      './deploy/temporal/setup-schema.sh',
    );
    expect(mounted.get(`temporal-create-namespace ${scriptOf('temporal-create-namespace')}`)).toBe(
      './deploy/temporal/create-namespace.sh',
    );
    expect(mounted.get('postgres /docker-entrypoint-initdb.d')).toBe('./deploy/postgres-init');

    const dynamicConfig = environmentOf(service('temporal')).DYNAMIC_CONFIG_FILE_PATH ?? '';
    const configDir = mounted.get('temporal /etc/temporal/config/dynamicconfig');
    expect(configDir).toBe('./deploy/temporal/dynamicconfig');
    const inContainer = posix.join('/etc/temporal', dynamicConfig);
    expect(inContainer.startsWith('/etc/temporal/config/dynamicconfig/')).toBe(true);
    const file = join(root, configDir ?? '', posix.basename(inContainer));
    expect(file.endsWith(join('deploy', 'temporal', 'dynamicconfig', 'development-sql.yaml'))).toBe(true);
    expect(existsSync(file)).toBe(true);
    expect(() => parse(readFileSync(file, 'utf8'))).not.toThrow();
  });

  it('sets up both Temporal databases with the postgres12 plugin', () => {
    const script = readRepoFile('deploy/temporal/setup-schema.sh');
    expect(script).toMatch(/temporal-sql-tool --plugin postgres12/);
    expect(script).toMatch(/setup-schema -v 0\.0/);
    expect(script).toMatch(/update-schema -d/);
    expect(script).toMatch(/VISIBILITY_DBNAME:-temporal_visibility/);
    expect(script).toMatch(/DBNAME:-temporal\}/);
    expect(environmentOf(service('temporal'))).toMatchObject({ DB: 'postgres12', BIND_ON_IP: '0.0.0.0' });
  });

  it('creates the app database and role in the postgres init script', () => {
    const postgresEnv = environmentOf(service('postgres'));
    expect(postgresEnv).toMatchObject({ APP_DB_USER: 'casebackend', APP_DB_NAME: 'casebackend' });
    const script = readRepoFile('deploy/postgres-init/01-create-roles.sh');
    expect(script).toMatch(/CREATE ROLE :"app_user"/);
    expect(script).toMatch(/CREATE DATABASE :"app_db" OWNER :"app_user"/);
  });
});

describe('deploy/temporal/create-namespace.sh', () => {
  const script = readRepoFile('deploy/temporal/create-namespace.sh');

  it('registers exactly the case search attributes, with their types', () => {
    const block = /SEARCH_ATTRIBUTES="([^"]*)"/.exec(script)?.[1] ?? '';
    const registered = Object.fromEntries(
      block
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => line.split(':')),
    );
    expect(registered).toEqual({
      CaseStatus: 'Keyword',
      CaseChannel: 'Keyword',
      OrgId: 'Keyword',
      AssigneeId: 'Keyword',
      CategoryName: 'Keyword',
      NeedsAttention: 'Bool',
      Important: 'Bool',
    });
    // The workflow upserts these keys: the deployment must register the same names and types.
    const fromWorkflow = Object.fromEntries(searchAttributeCliPairs().map((pair) => pair.split('=')));
    expect(registered).toEqual(fromWorkflow);
  });

  it('creates the namespace only when missing and registers attributes idempotently', () => {
    expect(script).toMatch(/operator namespace describe/);
    expect(script).toMatch(/operator namespace create/);
    expect(script).toMatch(/operator search-attribute create/);
    expect(script).toMatch(/already exists/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const scripts = Object.keys(
    (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts,
  );

  it('installs production dependencies on node 20 and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((match) => match[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)$/);
  });

  it('refers only to npm scripts that exist in package.json, as do the compose commands', () => {
    const commands = [
      ...[...dockerfile.matchAll(/^(?:CMD|RUN|ENTRYPOINT)\s+(.+)$/gm)].map((match) => match[1]),
      ...appServices.map((name) => commandLine(service(name).command)),
    ];
    const used = commands.flatMap((line) =>
      [...line.replace(/["[\],]/g, ' ').matchAll(/npm\s+run\s+([\w:-]+)/g)].map((match) => match[1]),
    );
    expect(used).toEqual(expect.arrayContaining(['api']));
    for (const script of used) expect(scripts).toContain(script);
    expect(appServices.map((name) => commandLine(service(name).command))).toEqual([
      'npm run api',
      'npm run worker',
      'npm run migrate',
    ]);
  });

  it('keeps dependencies, local state, git and tests out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', '.data', '.tools', '.git', 'test']) expect(ignored).toContain(entry);
  });
});
