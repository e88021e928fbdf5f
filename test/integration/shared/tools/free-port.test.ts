import { promises as fs } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { getFreePort } from '../../../../src/shared/tools/cache-dir';

const TIME_WAIT = '06';

/** Local ports of 127.0.0.1's TCP sockets in a given state (Linux: /proc/net/tcp, addresses and ports in hex). */
async function localPortsIn(state: string): Promise<Set<number>> {
  const table = await fs.readFile('/proc/net/tcp', 'utf8');
  const ports = new Set<number>();
  for (const row of table.split('\n').slice(1)) {
    const fields = row.trim().split(/\s+/);
    const [address, port] = (fields[1] ?? '').split(':');
    if (address === '0100007F' && fields[3] === state) ports.add(Number.parseInt(port ?? '', 16));
  }
  return ports;
}

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}

describe('getFreePort (ports for the servers the tools spawn)', () => {
  it('leaves the port it returns in TIME_WAIT, so no port-0 bind (a Temporal CLI service) is handed it meanwhile, and a server still binds it', async () => {
    const port = await getFreePort();
    expect(await localPortsIn(TIME_WAIT)).toContain(port);
    const server = await listenOn(port);
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns distinct ports to concurrent callers', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => getFreePort()));
    expect(new Set(ports).size).toBe(20);
  });
});
