// The architecture as rules (docs/ARCHITECTURE.md, "Layers"): `npm run lint:deps` fails when an
// import points the wrong way. From the bottom: db, core, stores, resources; admin, cli, seed (the
// seed's engine), app and server sit on top and nothing below imports them. A resource reaches
// another only through that resource's public face, its index.ts. The webhook delivery worker (src/webhooks) is a top layer
// too, built on core, db and stores only; so is the request inspector (src/inspector), whose store the admin API reads,
// and the console (src/console), whose page (src/console/assets) is the browser's, loaded by no module.
// No cycles anywhere, tests and benchmarks included.

const LAYERS = '^src/(db|core|stores|resources)/'
const TOP = ['^src/(admin|cli|seed|webhooks|inspector|console)/', '^src/(app|server)\\.ts$']

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle makes two modules one: neither can be read, tested or moved without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'db-is-the-bottom',
      comment: 'src/db imports nothing of ours but itself.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/db/' },
    },
    {
      name: 'core-on-db',
      comment: 'src/core imports src/db only.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: ['^src/core/', '^src/db/'] },
    },
    {
      name: 'stores-on-core-and-db',
      comment: 'src/stores imports src/core and src/db only.',
      severity: 'error',
      from: { path: '^src/stores/' },
      to: { path: '^src/', pathNot: ['^src/stores/', '^src/core/', '^src/db/'] },
    },
    {
      name: 'resources-on-lower-layers',
      comment: 'A resource imports core, db, stores, and other resources through their index.ts only.',
      severity: 'error',
      from: { path: '^src/resources/([^/]+)/' },
      to: { path: '^src/', pathNot: ['^src/(core|db|stores)/', '^src/resources/$1/', '^src/resources/[^/]+/index\\.ts$'] },
    },
    {
      name: 'webhooks-on-lower-layers',
      comment: 'The delivery worker imports core, db and stores only: it runs beside the API, not through it.',
      severity: 'error',
      from: { path: '^src/webhooks/' },
      to: { path: '^src/', pathNot: ['^src/(core|db|stores|webhooks)/'] },
    },
    {
      name: 'inspector-on-lower-layers',
      comment: 'The request inspector imports core, db and stores only: it watches the API from beside it (a resource query it needs, app.ts hands it).',
      severity: 'error',
      from: { path: '^src/inspector/' },
      to: { path: '^src/', pathNot: ['^src/(core|db|stores|inspector)/'] },
    },
    {
      name: 'console-on-lower-layers',
      comment: 'The console serves its page and reaches the API through inject: it imports core, db and stores only.',
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^src/', pathNot: ['^src/(core|db|stores|console)/'] },
    },
    {
      name: 'nothing-below-imports-the-top',
      comment: 'The admin API, the CLI and the entry points are built from the layers, never the other way.',
      severity: 'error',
      from: { path: LAYERS },
      to: { path: TOP },
    },
    {
      name: 'no-orphan-source',
      comment: 'A module of src/ that nothing imports is dead code (entry points aside).',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ['^src/(server|app)\\.ts$', '^src/cli/main\\.ts$', '\\.d\\.ts$', '^src/console/assets/'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
}
