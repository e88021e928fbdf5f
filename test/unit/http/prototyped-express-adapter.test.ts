import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Express, Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrototypedExpressAdapter } from '../../../src/http/prototyped-express-adapter';

@Controller()
class EchoController {
  @Get('echo')
  echo(@Req() req: Request) {
    return { ip: req.ip, path: req.path, sameApp: req.app === (req.res as unknown as { app: unknown }).app };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('the API server (issue 15: requests and answers keep one hidden class)', () => {
  const created: Array<{ req: IncomingMessage; res: ServerResponse; prototypes: [object, object] }> = [];
  let app: Awaited<ReturnType<typeof NestFactory.create>>;
  let express: Express;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(EchoModule, new PrototypedExpressAdapter(), { logger: false });
    express = app.getHttpAdapter().getInstance() as Express;
    // Before Express sees them: as Node's server created them.
    app
      .getHttpServer()
      .prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
        created.push({ req, res, prototypes: [Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object] }),
      );
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('creates each request and answer with Express’s prototypes already, so that Express’s Object.setPrototypeOf changes nothing', async () => {
    for (let i = 0; i < 2; i++) expect((await fetch(`${base}/echo`)).status).toBe(200);
    expect(created).toHaveLength(2);
    for (const { prototypes } of created) {
      expect(prototypes[0]).toBe(express.request);
      expect(prototypes[1]).toBe(express.response);
    }
  });

  it('keeps what Express adds to them: its methods, req.app, the client address; and Node’s streams', async () => {
    const answer = await fetch(`${base}/echo?x=1`);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({ ip: '127.0.0.1', path: '/echo', sameApp: true });
    const { req, res } = created.at(-1)!;
    expect((req as unknown as Request).app).toBe(express);
    expect(typeof (req as IncomingMessage).pipe).toBe('function');
    expect(typeof (res as ServerResponse).writeHead).toBe('function');
  });
});
