import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConnectionSettings } from '../../config/topology';

/** What both the client's Connection and the worker's NativeConnection take to reach Temporal. */
export interface TemporalConnectOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/**
 * Issue 15: the connection to a self-hosted cluster or Temporal Cloud — TLS with the server's CA and name, mTLS
 * with the client's certificate and key, or an API key (which implies TLS). The files were checked at start
 * (src/config/topology.ts); they are read here, when connecting.
 */
export function temporalConnectOptions(address: string, settings: TemporalConnectionSettings | undefined): TemporalConnectOptions {
  const options: TemporalConnectOptions = { address };
  const tls = settings?.tls;
  if (tls) {
    options.tls = {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.caPath ? { serverRootCACertificate: readFileSync(tls.caPath) } : {}),
      ...(tls.clientCertPath && tls.clientKeyPath
        ? { clientCertPair: { crt: readFileSync(tls.clientCertPath), key: readFileSync(tls.clientKeyPath) } }
        : {}),
    };
  }
  if (settings?.apiKey) options.apiKey = settings.apiKey;
  return options;
}
