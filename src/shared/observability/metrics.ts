import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Seconds: from a cached read (a few ms) to a bulk import or a what-if (tens of seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ProcessMetrics {
  registry: Registry;
  /** http_request_duration_seconds{method, route, status}: `route` is the template (/agrements/:id), never the path. */
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

let metrics: ProcessMetrics | null = null;

/**
 * Issue 15: the process's Prometheus registry — prom-client's default Node metrics (event loop lag, heap, GC, CPU,
 * handles) and the API's request durations. One per process: every Nest app of the process (tests start several)
 * observes into it, and default metrics are collected once.
 */
export function processMetrics(): ProcessMetrics {
  if (metrics) return metrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of the API answers, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  metrics = { registry, httpRequestDuration };
  return metrics;
}
