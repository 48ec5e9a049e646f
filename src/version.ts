// Kept equal to package.json "version" by a unit test; bundled into both dist/ entry points.
export const VERSION = '0.1.0'
