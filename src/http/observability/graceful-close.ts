import type { Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';

interface Drain {
  close(graceMs: number): Promise<void>;
}

const drains = new WeakMap<INestApplication, Drain>();

/**
 * Issue 15: follows the answers in flight on the app's HTTP server, so that closeGracefully can let them finish.
 * Called by createApp, before the server listens.
 */
export function trackInFlight(app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  // Keep-alive connections end once their answer is out: an answer not yet begun says so (Connection: close).
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // Before Express's listener: the answer's headers are not written yet.
  server.prependListener('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    if (closing) closeAfterAnswer(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A keep-alive connection whose answer had begun before the stop: idle now, closed.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  drains.set(app, {
    async close(graceMs: number) {
      closing = true;
      // No new connection from here (the listening socket closes at once); resolved once every connection has ended.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of inFlight) closeAfterAnswer(res);
      server.closeIdleConnections();
      // Past the grace, what is still in flight is cut.
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearTimeout(cut);
      }
    },
  });
}

/**
 * Issue 15: the API's graceful stop (SIGTERM/SIGINT): it stops accepting connections at once, lets the requests in
 * flight finish within `graceMs` (SHUTDOWN_GRACE_MS), closes idle keep-alive connections, cuts what remains after the
 * grace, then closes the Nest app.
 */
export async function closeGracefully(app: INestApplication, graceMs: number): Promise<void> {
  await drains.get(app)?.close(graceMs);
  await app.close();
}
