import { describe, expect, it } from 'vitest';
import {
  checkRoleRequirements,
  databaseConnection,
  listenHost,
  processRole,
  temporalConnection,
  topologySettings,
  withDatabaseTls,
  workerTuning,
} from '../../../src/config/topology';
import { ConfigurationRefused, postgresUrl, smtpUrl } from '../../../src/config/env-values';

// Files the process can read in these tests (certificates, keys): the others do not exist.
const FILES = new Set(['/certs/ca.pem', '/certs/client.pem', '/certs/client.key', '/certs/pg-ca.pem']);
const readable = (file: string) => FILES.has(file);

const REPLICA = {
  TEMPORAL_ADDRESS: 'temporal:7233',
  APP_DATABASE_URL: 'postgres://pix_agrement_app:secret@db:5432/pix_agrement',
  AUDIT_LOG_KEYS: 'k1:c2VjcmV0',
  SMTP_URL: 'smtp://mail:25',
};

describe('issue 15: ROLE', () => {
  it('api, worker or all; all by default (./dev start)', () => {
    expect(processRole(undefined)).toBe('all');
    expect(processRole(' ')).toBe('all');
    expect(processRole('api')).toBe('api');
    expect(processRole('Worker')).toBe('worker');
    expect(processRole('all')).toBe('all');
  });

  it.each(['web', 'apis', 'api,worker'])('refuses %s, naming ROLE', (raw) => {
    expect(() => processRole(raw)).toThrow(`ROLE must be api, worker or all, got "${raw}"`);
  });

  it('a single-role replica starts nothing embedded: it names each missing variable', () => {
    expect(() => checkRoleRequirements('all', {})).not.toThrow();
    expect(() => checkRoleRequirements('api', { ...REPLICA, SMTP_URL: undefined })).not.toThrow();
    expect(() => checkRoleRequirements('worker', REPLICA)).not.toThrow();
    expect(() => checkRoleRequirements('api', {})).toThrow(/ROLE=api .*TEMPORAL_ADDRESS .*APP_DATABASE_URL .*AUDIT_LOG_KEYS/);
    expect(() => checkRoleRequirements('api', {})).not.toThrow(/SMTP_URL/);
    expect(() => checkRoleRequirements('worker', { ...REPLICA, SMTP_URL: '' })).toThrow(/ROLE=worker .*set SMTP_URL/);
    expect(() => checkRoleRequirements('worker', { ...REPLICA, APP_DATABASE_URL: undefined })).toThrow(
      /set APP_DATABASE_URL .*npm run migrate/,
    );
  });
});

describe('issue 15: the Temporal connection', () => {
  it('plaintext by default (the embedded dev server, a private network)', () => {
    expect(temporalConnection({}, readable)).toEqual({ tls: null, apiKey: null });
    expect(temporalConnection({ TEMPORAL_ADDRESS: 'temporal:7233' }, readable)).toEqual({ tls: null, apiKey: null });
  });

  it('TLS with the server CA and name; mTLS with the client certificate and key', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CA: '/certs/ca.pem',
      TEMPORAL_TLS_CERT: '/certs/client.pem',
      TEMPORAL_TLS_KEY: '/certs/client.key',
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    };
    expect(temporalConnection(env, readable)).toEqual({
      tls: {
        caPath: '/certs/ca.pem',
        clientCertPath: '/certs/client.pem',
        clientKeyPath: '/certs/client.key',
        serverName: 'frontend.temporal',
      },
      apiKey: null,
    });
    expect(temporalConnection({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS: 'true' }, readable).tls).toEqual({
      caPath: null,
      clientCertPath: null,
      clientKeyPath: null,
      serverName: null,
    });
  });

  it('an API key (Temporal Cloud) implies TLS with the system CAs', () => {
    const env = { TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'key' };
    expect(temporalConnection(env, readable)).toEqual({
      tls: { caPath: null, clientCertPath: null, clientKeyPath: null, serverName: null },
      apiKey: 'key',
    });
  });

  it('refuses, naming the variable: a file that is not there, half a key pair, TLS off with TLS settings, TLS without an address', () => {
    const address = { TEMPORAL_ADDRESS: 'temporal:7233' };
    expect(() => temporalConnection({ ...address, TEMPORAL_TLS_CA: '/certs/missing.pem' }, readable)).toThrow(
      'TEMPORAL_TLS_CA names "/certs/missing.pem", which does not exist or cannot be read',
    );
    expect(() => temporalConnection({ ...address, TEMPORAL_TLS_CERT: '/certs/client.pem' }, readable)).toThrow(
      /TEMPORAL_TLS_KEY is missing/,
    );
    expect(() => temporalConnection({ ...address, TEMPORAL_TLS_KEY: '/certs/client.key' }, readable)).toThrow(
      /TEMPORAL_TLS_CERT is missing/,
    );
    expect(() => temporalConnection({ ...address, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' }, readable)).toThrow(
      'TEMPORAL_TLS=false contradicts TEMPORAL_API_KEY',
    );
    expect(() => temporalConnection({ ...address, TEMPORAL_TLS: 'yes' }, readable)).toThrow(
      'TEMPORAL_TLS must be true or false, got "yes"',
    );
    expect(() => temporalConnection({ TEMPORAL_API_KEY: 'k' }, readable)).toThrow(/TEMPORAL_API_KEY is set but TEMPORAL_ADDRESS is not/);
    expect(() => temporalConnection({ TEMPORAL_TLS_CA: '/certs/ca.pem' }, readable)).toThrow(/TEMPORAL_TLS_CA is set but TEMPORAL_ADDRESS/);
  });

  it.each(['temporal', 'http://temporal:7233', 'temporal:99999', 'temporal:port'])('TEMPORAL_ADDRESS %s is not host:port', (raw) => {
    expect(() => temporalConnection({ TEMPORAL_ADDRESS: raw }, readable)).toThrow(/TEMPORAL_ADDRESS must be host:port/);
  });
});

describe('issue 15: the PostgreSQL connection', () => {
  const url = { APP_DATABASE_URL: 'postgres://app:pw@db:5432/pix' };

  it('pool of 10 and the URL as given by default', () => {
    expect(databaseConnection({}, readable)).toEqual({ sslMode: null, sslCaPath: null, poolSize: 10 });
  });

  it('DATABASE_SSL_MODE and DATABASE_SSL_CA (a CA alone means verify-full); DATABASE_POOL_SIZE', () => {
    expect(databaseConnection({ ...url, DATABASE_SSL_MODE: 'require' }, readable)).toEqual({
      sslMode: 'require',
      sslCaPath: null,
      poolSize: 10,
    });
    expect(databaseConnection({ ...url, DATABASE_SSL_CA: '/certs/pg-ca.pem', DATABASE_POOL_SIZE: '25' }, readable)).toEqual({
      sslMode: 'verify-full',
      sslCaPath: '/certs/pg-ca.pem',
      poolSize: 25,
    });
  });

  it('refuses, naming the variable', () => {
    expect(() => databaseConnection({ ...url, DATABASE_SSL_MODE: 'prefer' }, readable)).toThrow(
      'DATABASE_SSL_MODE must be disable, require or verify-full, got "prefer"',
    );
    expect(() => databaseConnection({ ...url, DATABASE_SSL_CA: '/nope.pem' }, readable)).toThrow(/DATABASE_SSL_CA names "\/nope.pem"/);
    expect(() => databaseConnection({ ...url, DATABASE_SSL_MODE: 'require', DATABASE_SSL_CA: '/certs/pg-ca.pem' }, readable)).toThrow(
      /set DATABASE_SSL_MODE=verify-full, not require/,
    );
    expect(() => databaseConnection({ DATABASE_SSL_MODE: 'require' }, readable)).toThrow(/neither DATABASE_URL nor APP_DATABASE_URL/);
    expect(() =>
      databaseConnection({ DATABASE_URL: 'postgres://o@db/pix?sslmode=verify-full', DATABASE_SSL_MODE: 'require' }, readable),
    ).toThrow(/DATABASE_URL carries its own sslmode/);
    for (const bad of ['0', '1', '-2', '1.5', 'ten', '1001'])
      expect(() => databaseConnection({ DATABASE_POOL_SIZE: bad }, readable), bad).toThrow(/DATABASE_POOL_SIZE must be a whole number/);
  });

  it('TLS reaches every connection through the URL node-postgres reads', () => {
    const base = 'postgres://app:pw@db:5432/pix';
    expect(withDatabaseTls(base, { sslMode: null, sslCaPath: null })).toBe(base);
    expect(withDatabaseTls(base, { sslMode: 'require', sslCaPath: null })).toBe(`${base}?sslmode=no-verify`);
    expect(withDatabaseTls(base, { sslMode: 'verify-full', sslCaPath: '/certs/pg-ca.pem' })).toBe(
      `${base}?sslmode=verify-full&sslrootcert=%2Fcerts%2Fpg-ca.pem`,
    );
    expect(withDatabaseTls(base, { sslMode: 'disable', sslCaPath: null })).toBe(`${base}?sslmode=disable`);
  });
});

describe('issue 15: the whole topology from the environment', () => {
  it('a worker replica in production, on Temporal Cloud with mTLS', () => {
    const settings = topologySettings(
      {
        ...REPLICA,
        ROLE: 'worker',
        NODE_ENV: 'production',
        TEMPORAL_TLS_CERT: '/certs/client.pem',
        TEMPORAL_TLS_KEY: '/certs/client.key',
        DATABASE_POOL_SIZE: '20',
        HOST: '0.0.0.0',
      },
      readable,
    );
    expect(settings).toMatchObject({
      role: 'worker',
      production: true,
      listenHost: '0.0.0.0',
      temporal: { tls: { clientCertPath: '/certs/client.pem' } },
      database: { poolSize: 20 },
    });
  });

  it('the Temporal connection: each variable refused at once (an address and a certificate both wrong)', () => {
    expect(() =>
      temporalConnection({ TEMPORAL_ADDRESS: 'temporal', TEMPORAL_TLS_CERT: '/nope.pem', TEMPORAL_TLS_KEY: '/certs/client.key' }, readable),
    ).toThrow(
      expect.objectContaining({
        problems: [expect.stringMatching(/^TEMPORAL_ADDRESS must be host:port/), expect.stringMatching(/^TEMPORAL_TLS_CERT names/)],
      }),
    );
  });

  it('the PostgreSQL connection: each variable refused at once (a mode and a pool size both wrong)', () => {
    expect(() => databaseConnection({ DATABASE_SSL_MODE: 'maybe', DATABASE_POOL_SIZE: '1' }, readable)).toThrow(
      expect.objectContaining({
        problems: [expect.stringMatching(/^DATABASE_SSL_MODE must be/), expect.stringMatching(/^DATABASE_POOL_SIZE must be/)],
      }),
    );
  });

  it('every refusal at once, each naming its variable (not one start per mistake)', () => {
    let refused: unknown;
    try {
      topologySettings({ ...REPLICA, ROLE: 'worker', TEMPORAL_TLS_CERT: '/nope.pem', DATABASE_POOL_SIZE: 'abc', HOST: 'a b' }, readable);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConfigurationRefused);
    const problems = (refused as ConfigurationRefused).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^TEMPORAL_TLS_CERT names "\/nope.pem"/);
    expect(problems[1]).toMatch(/^DATABASE_POOL_SIZE must be a whole number/);
    expect(problems[2]).toMatch(/^HOST must be an address/);
  });

  it('HOST must be an address', () => {
    expect(listenHost(null)).toBe('127.0.0.1');
    expect(listenHost('::')).toBe('::');
    expect(() => listenHost('0.0.0.0:3000/')).toThrow(/HOST must be an address/);
  });
});

describe('issue 15: worker tuning', () => {
  it("a cache of 300 executions and the SDK's concurrency unless set; whole numbers in range, refused naming the variable", () => {
    expect(workerTuning({})).toEqual({
      maxCachedWorkflows: 300,
      maxConcurrentWorkflowTaskExecutions: null,
      maxConcurrentActivityTaskExecutions: null,
    });
    expect(
      workerTuning({
        WORKER_MAX_CACHED_WORKFLOWS: '2000',
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '40',
        WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
      }),
    ).toEqual({ maxCachedWorkflows: 2000, maxConcurrentWorkflowTaskExecutions: 40, maxConcurrentActivityTaskExecutions: 20 });
    expect(() => workerTuning({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toThrow(
      'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS must be a whole number from 2 to 10000, got "1"',
    );
    expect(() => workerTuning({ WORKER_MAX_CONCURRENT_ACTIVITIES: 'many' })).toThrow(
      /WORKER_MAX_CONCURRENT_ACTIVITIES must be a whole number/,
    );
    expect(() => workerTuning({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS must be a whole number from 0/);
  });
});

describe('issue 15: connection URLs, refused at start rather than at the first connection', () => {
  it('PostgreSQL: postgres:// or postgresql:// with a host (or a socket directory)', () => {
    for (const ok of [
      'postgres://app:pw@db:5432/pix',
      'postgresql://db/pix?sslmode=verify-full',
      'postgres:///pix?host=/var/run/postgresql',
    ])
      expect(postgresUrl('APP_DATABASE_URL', ok)).toBe(ok);
    for (const bad of ['notaurl', 'db:5432/pix', 'mysql://db/pix', 'postgres:///pix'])
      expect(() => postgresUrl('APP_DATABASE_URL', bad), bad).toThrow(/^APP_DATABASE_URL must be a PostgreSQL URL/);
  });

  it('SMTP: smtp:// or smtps:// with a host', () => {
    expect(smtpUrl('SMTP_URL', 'smtps://user:pw@smtp.example.org:465')).toBe('smtps://user:pw@smtp.example.org:465');
    for (const bad of ['smtp.example.org:25', 'http://smtp.example.org', 'smtp://'])
      expect(() => smtpUrl('SMTP_URL', bad), bad).toThrow(/^SMTP_URL must be an SMTP URL/);
  });

  it('a refused URL is quoted without its password (the message goes to the logs)', () => {
    expect(() => postgresUrl('DATABASE_URL', 'mysql://owner:s3cret@db/pix')).toThrow('got "mysql://owner:***@db/pix"');
    expect(() => postgresUrl('DATABASE_URL', 'mysql://owner:s3cret@db/pix')).not.toThrow(/s3cret/);
  });
});
