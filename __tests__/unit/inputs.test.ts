import { describe, expect, it } from '@jest/globals'
import { deriveName, parseBuildArgs, readInputs, type InputGetter } from '../../src/inputs.js'

function getter(values: Record<string, string>): InputGetter {
  return name => values[name] ?? ''
}
const noFile = () => undefined

describe('readInputs', () => {
  it('gives defaults for an empty step', () => {
    const i = readInputs(getter({}), noFile, 'shop')
    expect(i.mode).toBe('auto')
    expect(i.comment).toBe('always')
    expect(i.status).toBe(true)
    expect(i.dataBranch).toBe('image-size-guard-data')
    expect(i.images).toEqual([
      {
        name: 'shop',
        build: {
          context: '.',
          file: 'Dockerfile',
          buildArgs: {},
          secrets: [],
          cacheFrom: [],
          cacheTo: []
        },
        dockerfile: 'Dockerfile',
        thresholds: { ignoreBaseChange: false, failOnHints: [] }
      }
    ])
  })

  it('reads a built image with build args, target, thresholds', () => {
    const i = readInputs(
      getter({
        context: 'services/api',
        target: 'runtime',
        'build-args': 'PY=3.12\nEMPTY=\n# comment',
        'max-increase': '10% & 25MB',
        'fail-on-hints': 'error, pip-cache',
        'ignore-hints': 'docs'
      }),
      noFile
    )
    expect(i.images[0].name).toBe('api')
    expect(i.images[0].build).toMatchObject({
      file: 'services/api/Dockerfile',
      target: 'runtime',
      buildArgs: { PY: '3.12', EMPTY: '' }
    })
    expect(i.images[0].thresholds.maxIncrease).toMatchObject({
      ratio: 0.1,
      bytes: 25e6,
      mode: 'all'
    })
    expect(i.images[0].thresholds.failOnHints).toEqual(['error', 'pip-cache'])
    expect(i.ignoreHints).toEqual(['docs'])
  })

  it.each([
    [{ image: 'a', archive: 'b' }, /`image` and `archive` are both set/],
    [
      { mode: 'sometimes' },
      /input `mode` must be one of auto, record, compare, measure, report, aggregate; got "sometimes"/
    ],
    [{ 'max-increase': '10 percent' }, /input `max-increase`.*"10 percent"/],
    [{ 'max-size': '-5MB' }, /input `max-size`/],
    [{ leg: 'api/v2' }, /input `leg`: "api\/v2" is not a usable leg name/],
    [{ legs: 'api, web web' }, /input `legs`: "web web" is not a usable leg name/],
    [{ 'keep-baselines': '-1' }, /input `keep-baselines` must be a whole number/],
    [{ 'ignore-hints': 'apt-list' }, /input `ignore-hints`: unknown hint id\(s\) apt-list/],
    [{ 'fail-on-hints': 'critical' }, /input `fail-on-hints`: unknown hint id\(s\) critical/],
    [{ 'keep-image': 'yes' }, /input `keep-image` must be true or false/],
    [{ 'max-entries': '0' }, /input `max-entries` must be a whole number above 0/],
    [{ 'build-args': 'not a pair' }, /input `build-args`: "not a pair" is not KEY=VALUE/],
    [{ images: 'a: [' }, /input `images` is not valid YAML \(line 1\)/],
    [{ images: '- name: a\n  contxt: x' }, /entry 1: unknown key\(s\) contxt/],
    [{ images: '- name: a\n- name: a' }, /two images are named "a"/],
    [{ images: '{}' }, /must be a non-empty YAML list/]
  ])('%j → a message naming the input', (values, message) => {
    expect(() => readInputs(getter(values as Record<string, string>), noFile)).toThrow(message)
  })

  it('reads several images from the `images` input with per-image thresholds', () => {
    const i = readInputs(
      getter({
        images:
          '- name: api\n  context: api\n  max-increase: 5%\n- name: web\n  file: web/Dockerfile.prod\n  build-args:\n    NODE: 20',
        'max-increase': '20%',
        network: 'host'
      }),
      noFile
    )
    expect(i.images.map(s => s.name)).toEqual(['api', 'web'])
    expect(i.images[0].thresholds.maxIncrease?.ratio).toBe(0.05)
    expect(i.images[1].thresholds.maxIncrease?.ratio).toBe(0.2)
    expect(i.images[1].build).toMatchObject({
      file: 'web/Dockerfile.prod',
      buildArgs: { NODE: '20' },
      network: 'host'
    })
  })

  it('falls back to .github/image-size-guard.yml', () => {
    const i = readInputs(getter({}), p =>
      p === '.github/image-size-guard.yml'
        ? 'images:\n  - name: one\n    image: one:latest\n'
        : undefined
    )
    expect(i.images).toEqual([
      { name: 'one', image: 'one:latest', thresholds: { ignoreBaseChange: false, failOnHints: [] } }
    ])
  })

  it('names the file when the config file is broken', () => {
    expect(() => readInputs(getter({}), () => '- name: [')).toThrow(
      /\.github\/image-size-guard\.yml is not valid YAML/
    )
  })
})

describe('deriveName', () => {
  it.each([
    [{ file: 'Dockerfile', repoName: 'shop' }, 'shop'],
    [{ file: 'services/api/Dockerfile', repoName: 'shop' }, 'api'],
    [{ file: 'docker/Dockerfile.worker', repoName: 'shop' }, 'worker'],
    [{ file: 'web.Dockerfile', repoName: 'shop' }, 'web'],
    [{ image: 'ghcr.io/acme/api:1.2', repoName: 'shop' }, 'api'],
    [{ image: 'localhost:5000/api@sha256:abc', repoName: 'shop' }, 'api'],
    [{ archive: 'out/image.tar.gz', repoName: 'shop' }, 'image'],
    [{ archive: 'oci:build/oci-dir', repoName: 'shop' }, 'oci-dir']
  ])('%j → %s', (p, name) => {
    expect(deriveName(p)).toBe(name)
  })
})

describe('parseBuildArgs', () => {
  it('keeps = signs in values', () => {
    expect(parseBuildArgs('URL=https://x/?a=b', 'build-args')).toEqual({ URL: 'https://x/?a=b' })
  })
})
