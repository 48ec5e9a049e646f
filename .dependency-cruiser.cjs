// The import check (`npm run lint:imports`): no cycle between files, and every import points
// down the floors below, lowest first. A module may import its own folder and any lower
// floor, never a higher one; folders on one floor may not import each other. The map in
// docs/architecture.md says the same in words.
//
// Type-only imports count (tsPreCompilationDeps): a type in the wrong floor ties the
// folders as surely as a value does.

/** Lowest first. Each floor: path patterns (from the repository root). */
const FLOORS = [
  {
    name: 'base',
    // Leaves that import nothing above them; they may import each other (no cycles).
    paths: ['^src/(model|errors|units|unsafe|names|constants|version|exec|files|github-api)[.]ts$']
  },
  { name: 'dockerfile', paths: ['^src/dockerfile/'] },
  { name: 'image', paths: ['^src/image/'] },
  { name: 'builder', paths: ['^src/builder/'] },
  { name: 'analysis', paths: ['^src/analysis/'] },
  { name: 'baseline', paths: ['^src/baseline/'] },
  { name: 'diff', paths: ['^src/diff/'] },
  { name: 'render', paths: ['^src/render/'] },
  { name: 'github', paths: ['^src/github/'] },
  { name: 'inputs', paths: ['^src/inputs[.]ts$'] },
  { name: 'measure', paths: ['^src/measure[.]ts$'] },
  { name: 'front ends', paths: ['^src/action/', '^src/cli/'] },
  { name: 'entry', paths: ['^src/(main|index|layer-thread)[.]ts$'] }
]

const any = patterns => patterns.join('|')

/** Floor i must not import floors above it. */
const upward = FLOORS.slice(0, -1).map((floor, i) => ({
  name: `floor-${floor.name.replace(/ /g, '-')}`,
  severity: 'error',
  comment: `${floor.name} sits below ${FLOORS.slice(i + 1)
    .map(f => f.name)
    .join(', ')}: it may not import them (docs/architecture.md)`,
  from: { path: any(floor.paths) },
  to: { path: any(FLOORS.slice(i + 1).flatMap(f => f.paths)) }
}))

/** Two folders on one floor (action, cli) stay apart: each reaches the core directly. */
const sideways = FLOORS.filter(f => f.name !== 'base' && f.paths.length > 1).flatMap(floor =>
  floor.paths.map(path => ({
    name: `apart-${path.replace(/[^a-z]/g, '')}`,
    severity: 'error',
    comment: `folders on the ${floor.name} floor do not import each other`,
    from: { path },
    to: { path: any(floor.paths.filter(p => p !== path)) }
  }))
)

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'files import each other, directly or through others: move the shared part down',
      from: {},
      to: { circular: true }
    },
    {
      name: 'model-imports-nothing',
      severity: 'error',
      comment: 'src/model.ts is the lowest floor: it imports nothing of ours',
      from: { path: '^src/model[.]ts$' },
      to: { path: '^src/' }
    },
    {
      name: 'every-file-on-a-floor',
      severity: 'error',
      comment: 'a new folder or top-level file goes on a floor in .dependency-cruiser.cjs',
      from: { path: '^src/', pathNot: any(FLOORS.flatMap(f => f.paths)) },
      to: {}
    },
    ...upward,
    ...sideways
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js']
    }
  }
}
