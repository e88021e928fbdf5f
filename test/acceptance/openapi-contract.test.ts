import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/access/domain/roles';
import { OutputTail } from '../../src/shared/tools/cache-dir';
import { ensureSchemathesis } from '../../src/shared/tools/schemathesis';
import { seedDemo } from '../../src/seed/demo';
import { seedDemoUsers } from '../../src/seed/users';
import type { RunningSystem } from '../../src/system';
import { type ScratchSystem, startScratchSystem } from '../support/scratch-system';
import { until } from '../support/waiting';

/**
 * Issue 12, "the OpenAPI document is the contract": schemathesis (pinned in tools/schemathesis/requirements.txt,
 * installed once into a virtual environment cached outside the clone, src/shared/tools/schemathesis.ts) generates
 * requests for every operation of /docs-json, valid and invalid, and sends them to the system as `./dev start`
 * brings it up with its demo data, once with the token of each role. Each answer is checked: no server error
 * (5xx), a status the document lists for the operation, a body that matches its schema. Bounded and
 * deterministic: a fixed seed, the schema's examples then a few generated cases per operation. Nothing is excluded:
 * every operation of the document is exercised with every role. A deeper run, by environment:
 *   CONTRACT_MAX_EXAMPLES=25            more generated cases per operation;
 *   CONTRACT_PHASES=examples,coverage,fuzzing   the `coverage` phase too (every boundary of every parameter);
 *   CONTRACT_ROLES=operations,centre    only these roles.
 */
const MAX_EXAMPLES = Number(process.env.CONTRACT_MAX_EXAMPLES ?? 4);
const PHASES = process.env.CONTRACT_PHASES ?? 'examples,fuzzing';
const SELECTED_ROLES = process.env.CONTRACT_ROLES ? process.env.CONTRACT_ROLES.split(',').map((r) => r.trim()) : [...ROLES];
const unknownRoles = SELECTED_ROLES.filter((r) => !(ROLES as readonly string[]).includes(r));
/** A deeper run takes longer: an hour per role rather than 15 minutes. */
const ROLE_TIMEOUT = (MAX_EXAMPLES > 4 || PHASES.includes('coverage') ? 60 : 15) * 60_000;
if (unknownRoles.length) throw new Error(`CONTRACT_ROLES: unknown role(s) ${unknownRoles.join(', ')} (known: ${ROLES.join(', ')})`);
const SEED = 12;
const CHECKS = 'not_a_server_error,status_code_conformance,response_schema_conformance';

let system: RunningSystem;
let tokens: Record<Role, string>;
let schemathesis: string;
let scratch: ScratchSystem;
let demoOrganisations: { centre: string; coordinator: string };
const log = (m: string) => process.stderr.write(`[contract] ${m}\n`);

beforeAll(async () => {
  schemathesis = await ensureSchemathesis(log);
  // A database of its own: the demo data is seeded as `./dev start` seeds it, whatever other files left in the run's database.
  scratch = await startScratchSystem({
    name: 'contract',
    config: {
      // Schemathesis sends each operation once without a token (the coverage phase) and many calls to the expensive
      // routes: with the limits of production, the address would be blocked (429 on every route) after 20 of them and
      // the rest of the run would check nothing. The limits and their 429 are tested in test/integration/api/http-security.
      throttle: {
        failedAuth: { limit: 1_000_000, windowSeconds: 60, blockSeconds: 1 },
        expensive: { limit: 1_000_000, windowSeconds: 60 },
      },
    },
    log,
  });
  system = scratch.system;
  tokens = await seedDemoUsers(system.db);
  const { organisationIds } = await seedDemo(system.urls.api, tokens.operations, () => undefined);
  // As `./dev start`: the centre user is the university's référent, the coordinator leads the Breton network.
  demoOrganisations = { centre: organisationIds[0]!, coordinator: organisationIds[2]! };
  await seedDemoUsers(system.db, demoOrganisations);
}, 15 * 60_000);

afterAll(async () => {
  await scratch?.stop();
});

/**
 * DATA-3: the operations that can take away the caller's own access. Schemathesis reuses the ids it reads in
 * answers (GET /me/tokens marks the current token; GET /users lists every user), so in the middle of a run it may
 * revoke its own token or deactivate its user, and every later request would be a 401 checking nothing. They run
 * in a second pass, after every other operation, and each role starts with the demo accesses restored.
 */
const ACCESS_REMOVING = ['MeController_revoke', 'UsersController_deactivate', 'UsersController_revoke', 'AccessReviewsController_record'];

/** One schemathesis run over the document (`filter`: which operations) with a role's token; its exit code and report. */
function runSchemathesis(role: Role, filter: string[]): Promise<{ code: number | null; report: string }> {
  const args = [
    'run',
    ...filter,
    `${system.urls.api}/docs-json`,
    '--url',
    system.urls.api,
    '--checks',
    CHECKS,
    '--max-examples',
    String(MAX_EXAMPLES),
    '--seed',
    String(SEED),
    '--generation-deterministic',
    '--phases',
    PHASES,
    '--workers',
    '2',
    '--request-timeout',
    '30',
    '--header',
    `Authorization: Bearer ${tokens[role]}`,
    '--no-color',
    '--output-truncate',
    'true',
  ];
  return new Promise((resolve, reject) => {
    const tail = new OutputTail(400);
    // Its working directory is a scratch one: schemathesis keeps a cache (.schemathesis/) there, never in the clone.
    const cwd = mkdtempSync(path.join(tmpdir(), 'pix-schemathesis-'));
    const child = spawn(schemathesis, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' },
    });
    child.stdout.on('data', (c: Buffer) => tail.push(c));
    child.stderr.on('data', (c: Buffer) => tail.push(c));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, report: tail.toString() }));
  });
}

/** Kept with the other test artifacts (git-ignored), one file per role and pass. */
function saveReport(role: Role, pass: string, report: string): string {
  const dir = path.resolve('test-artifacts', 'contract');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `schemathesis-${role}-${pass.replace(/\W+/g, '-')}.txt`);
  writeFileSync(file, report);
  return path.relative(process.cwd(), file);
}

/** Its "Test cases" figure ("345 generated, 345 passed"), or the count of its lines when it printed none. */
function testCases(report: string): string {
  const match = /Test cases:\s*\n\s*(.+)/.exec(report);
  return match ? `test cases: ${match[1].trim()}` : `${report.split('\n').length} lines of output`;
}

describe('the OpenAPI document is the contract (issue 12): schemathesis against the started system', () => {
  for (const role of SELECTED_ROLES as Role[]) {
    it(
      `as ${role}: no 5xx, every status documented, every body matching its schema`,
      async () => {
        // The demo accesses as `./dev start` leaves them (tokens un-revoked, users reactivated), whatever an earlier role did.
        await seedDemoUsers(system.db, demoOrganisations);
        // The API caches principals for a few seconds: the restored token works once GET /me answers 200 with it.
        await until(
          () => fetch(`${system.urls.api}/me`, { headers: { Authorization: `Bearer ${tokens[role]}` } }).then((r) => r.status),
          (status) => status === 200,
        );
        for (const [pass, filter] of [
          ['all but the access-removing operations', ACCESS_REMOVING.flatMap((id) => ['--exclude-operation-id', id])],
          ['the access-removing operations', ACCESS_REMOVING.flatMap((id) => ['--include-operation-id', id])],
        ] as const) {
          const { code, report } = await runSchemathesis(role, [...filter]);
          // The whole report goes to a file, one line to the log: schemathesis closes on a pytest-style banner
          // ("=== 2 warnings in 17.73s ===") that CI, reading the run's output, would take for a pytest run of no test.
          const file = saveReport(role, pass, report);
          log(`schemathesis as ${role}, ${pass}: exit ${code}, ${testCases(report)}; report in ${file}`);
          expect(code, `schemathesis failed, its report is in ${file}`).toBe(0);
        }
      },
      ROLE_TIMEOUT,
    );
  }
});

// ------------------------------------------------------------------------------------------------------------------
// Real answers on real ids. Generated ids are random, so schemathesis mostly sees 404 on /agrements/{id} and the like:
// here every GET of the document is called with the ids the demo data holds (read from the collections' answers),
// with each role's token, and each answer must have a documented status and a body matching its schema.
// ------------------------------------------------------------------------------------------------------------------

type OpenApiDoc = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; required?: boolean }[];
        responses: Record<string, { content?: Record<string, { schema?: object }> }>;
      }
    >
  >;
  components?: object;
};

/** Ids found in an answer: by field name (`id`, `organisationId`, `sessionId`…), every string value, in order. */
function collectIds(value: unknown, into: Map<string, string[]>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value.slice(0, 20)) collectIds(v, into, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && (k === 'id' || k.endsWith('Id')) && v.length > 0) into.set(k, [...(into.get(k) ?? []), v]);
    else collectIds(v, into, depth + 1);
  }
}

describe('real answers on the demo data’s ids match the document (issue 12)', () => {
  it('every GET, with each role: a documented status, and a body matching its schema', async () => {
    await seedDemoUsers(system.db, demoOrganisations);
    const api = system.urls.api;
    const get = (p: string, role: Role) => fetch(`${api}${p}`, { headers: { Authorization: `Bearer ${tokens[role]}` } });
    const doc = (await (await fetch(`${api}/docs-json`)).json()) as OpenApiDoc;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addFormat('time-zone', true);
    const gets = Object.entries(doc.paths)
      .filter(([, ops]) => ops.get)
      .map(([p, ops]) => [p, ops.get!] as const);
    const requiredQuery = (op: (typeof gets)[number][1]) => (op.parameters ?? []).some((x) => x.in === 'query' && x.required);

    // The ids: per collection (`/agrements` → its items' ids) and per field name, from every parameter-less GET.
    const byCollection = new Map<string, string[]>();
    const byField = new Map<string, string[]>();
    for (const [p, op] of gets) {
      if (p.includes('{') || requiredQuery(op)) continue;
      const res = await get(p, 'operations');
      if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) continue;
      const found = new Map<string, string[]>();
      collectIds(await res.json(), found);
      byCollection.set(p, found.get('id') ?? []);
      for (const [k, v] of found) byField.set(k, [...(byField.get(k) ?? []), ...v]);
    }
    const valueFor = (p: string, name: string): string | undefined => {
      const prefix = p.slice(0, p.indexOf(`/{${name}}`));
      if (name === 'id' && !prefix.includes('{')) return byCollection.get(prefix)?.[0];
      return (byField.get(name) ?? byField.get(name === 'id' ? 'id' : name) ?? [])[0];
    };

    const problems: string[] = [];
    const unresolved: string[] = [];
    let bodiesChecked = 0;
    for (const [template, op] of gets) {
      if (requiredQuery(op)) continue;
      let concrete = template;
      for (const name of [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
        const value = valueFor(template, name);
        if (value === undefined) break;
        concrete = concrete.replace(`{${name}}`, encodeURIComponent(value));
      }
      if (concrete.includes('{')) {
        unresolved.push(template);
        continue;
      }
      for (const role of SELECTED_ROLES as Role[]) {
        const res = await get(concrete, role);
        const documented = op.responses[String(res.status)];
        if (!documented) {
          problems.push(`${role} GET ${concrete}: ${res.status} is not documented (${(await res.text()).slice(0, 200)})`);
          continue;
        }
        const schema = documented.content?.['application/json']?.schema;
        if (!schema || !(res.headers.get('content-type') ?? '').includes('json')) continue;
        const validate = ajv.compile({ ...schema, components: doc.components });
        const body: unknown = await res.json();
        if (!validate(body)) problems.push(`${role} GET ${concrete} ${res.status}: ${ajv.errorsText(validate.errors)}`);
        if (res.status < 300) bodiesChecked++;
      }
    }
    log(
      `real answers: ${bodiesChecked} success bodies checked; no demo id for ${unresolved.length} operation(s): ${unresolved.join(', ')}`,
    );
    expect(problems).toEqual([]);
    // Not vacuous: the demo data must give most reads a real answer to check.
    expect(bodiesChecked).toBeGreaterThan(gets.length);
  });
});
