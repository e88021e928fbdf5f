import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalConnection } from '../../../../src/config/topology';
import { temporalConnectOptions } from '../../../../src/shared/temporal/connection-options';

const dir = mkdtempSync(path.join(tmpdir(), 'pix-temporal-tls-'));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('issue 15: what the client and the worker connect to Temporal with', () => {
  it('plaintext: the address alone', () => {
    expect(temporalConnectOptions('temporal:7233', temporalConnection({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({
      address: 'temporal:7233',
    });
    expect(temporalConnectOptions('127.0.0.1:7233', undefined)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('mTLS to a self-hosted cluster: the CA, the client certificate and key read from their files, the server name', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CA: file('ca.pem', 'CA PEM'),
      TEMPORAL_TLS_CERT: file('client.pem', 'CLIENT PEM'),
      TEMPORAL_TLS_KEY: file('client.key', 'KEY PEM'),
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    };
    const options = temporalConnectOptions('temporal.internal:7233', temporalConnection(env));
    expect(options.address).toBe('temporal.internal:7233');
    expect(options.tls?.serverNameOverride).toBe('frontend.temporal');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe('CA PEM');
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toBe('CLIENT PEM');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe('KEY PEM');
    expect(options.apiKey).toBeUndefined();
  });

  it('Temporal Cloud with an API key: TLS with the system CAs and the key', () => {
    const env = { TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'secret-key' };
    expect(temporalConnectOptions(env.TEMPORAL_ADDRESS, temporalConnection(env))).toEqual({
      address: env.TEMPORAL_ADDRESS,
      tls: {},
      apiKey: 'secret-key',
    });
  });
});
