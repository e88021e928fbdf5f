import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { memoPerOwner } from '../../shared/domain/memo';

/** What this module reads of Express's router (router 2.x): its layers, and the route each one ends in. */
interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}
interface RoutedExpress {
  router: { stack: RouteLayer[] };
}

/** The methods the routes matching `path` answer (GET implies HEAD), or null when a route takes every method. */
export function methodsFor(layers: readonly RouteLayer[], path: string): Set<string> | null {
  const methods = new Set<string>();
  for (const layer of layers) {
    if (!layer.route || !layer.match(path)) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (!on) continue;
      if (method === '_all') return null;
      methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return methods;
}

/**
 * Issue 15: matching every route on every request cost as much as a cached dashboard's answer; the routes are fixed
 * once the app listens, so each path's methods are kept per route table (bounded: paths with ids are endless).
 */
const knownMethods = memoPerOwner(methodsFor, 2_000);

/**
 * Issue 12: a method the path does not take answers 405 with an `Allow` header, instead of 404; OPTIONS
 * answers 204 with `Allow` (a CORS preflight from an allowed origin is answered before, by the CORS layer).
 * Generic: the routes are read from Express's router once Nest has registered them, never listed by hand.
 * A path no route matches goes on to the 404.
 */
export function methodNotAllowed(app: INestApplication) {
  const express = app.getHttpAdapter().getInstance() as RoutedExpress;
  return (req: Request, res: Response, next: NextFunction): void => {
    const methods = knownMethods(express.router.stack, req.path);
    if (methods === null || methods.size === 0 || methods.has(req.method)) {
      next();
      return;
    }
    const allow = [...methods].sort().join(', ');
    res.setHeader('Allow', req.method === 'OPTIONS' ? `${allow}, OPTIONS` : allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res.status(405).json({ statusCode: 405, error: 'Method Not Allowed', message: `${req.method} is not allowed here; allowed: ${allow}` });
  };
}
