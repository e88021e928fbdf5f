import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import express, { type Express } from 'express';

/**
 * A subclass of `base` whose prototype takes the place of Express's `app.request` or `app.response`: the same chain
 * (Express's methods, then Node's) and the same own properties (`app`). A class, so that V8 sizes and shares its
 * objects' hidden class (a function constructor or Reflect.construct gave each object one of its own again).
 */
function inExpressPlace<C extends { prototype: object }>(Prototyped: C, app: Express, key: 'request' | 'response'): C {
  const place = app[key] as object;
  Object.setPrototypeOf(Prototyped.prototype, Object.getPrototypeOf(place) as object | null);
  Object.defineProperties(Prototyped.prototype, Object.getOwnPropertyDescriptors(place));
  (app as unknown as Record<string, unknown>)[key] = Prototyped.prototype;
  return Prototyped;
}

/**
 * Issue 15: Express 5 gives each request and answer its prototypes on entry (`Object.setPrototypeOf(req, app.request)`):
 * V8 then gave every one of them a hidden class of its own, so that every property read on a request or an answer, in
 * Express, Nest, Node's HTTP code and ours, missed its inline cache (bench:api: a quarter of the API's CPU per uncached
 * dashboard answer went to those misses). Here Node's server creates them (http.createServer's options) as instances of
 * classes whose prototypes are Express's own, which makes Express's call change nothing: from one request to the next
 * they share their hidden classes.
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  constructor() {
    super(express());
  }

  override initHttpServer(options: NestApplicationOptions): void {
    // HTTPS or forced closing (the API asks for neither): Nest's own server.
    if (options.httpsOptions || options.forceCloseConnections) return super.initHttpServer(options);
    const app = this.getInstance<Express>();
    this.httpServer = http.createServer(
      {
        IncomingMessage: inExpressPlace(class Request extends IncomingMessage {}, app, 'request'),
        ServerResponse: inExpressPlace(class Response extends ServerResponse {}, app, 'response'),
      },
      app,
    );
  }
}
