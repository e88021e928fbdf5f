import type { ArgumentsHost } from '@nestjs/common';
import { DomainErrorFilter } from '../../src/http/domain-error.filter';

/** What the API's error filter answers for `error`: its status, body and headers, recorded from a stand-in response. */
export function filtered(error: unknown): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const out = { status: 0, body: {} as Record<string, unknown>, headers: {} as Record<string, string> };
  const res = {
    status(code: number) {
      out.status = code;
      return res;
    },
    json(body: Record<string, unknown>) {
      out.body = body;
      return res;
    },
    setHeader(name: string, value: string) {
      out.headers[name] = value;
      return res;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new DomainErrorFilter().catch(error, host);
  return out;
}
