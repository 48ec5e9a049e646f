// Image names and platforms are checked where they enter: inputs, the images config and the
// measure artifact a fork writes.

import { describe, expect, it } from '@jest/globals'
import { parseMeasurePayload, makeMeasurePayload } from '../../src/github/artifact.js'
import { readInputs, type InputGetter } from '../../src/inputs.js'
import { isValidName, isValidPlatform, MAX_IMAGES } from '../../src/names.js'
import { makeReport } from '../support/reports.js'

const getter =
  (values: Record<string, string>): InputGetter =>
  name =>
    values[name] ?? ''
const noFile = () => undefined

const HOSTILE_NAMES = [
  'api\n::warning::fake',
  'api\r::add-mask::x',
  '##[warning]x',
  '::set-output name=x::y',
  'api ##[error]x',
  '-rm',
  '../../etc',
  'a//b',
  '/abs',
  'api\u202eexe',
  'api\u200b',
  'api\u0000',
  'api:latest',
  'x'.repeat(101),
  ''
]

describe('names and platforms', () => {
  it.each(['app', 'shop-api', 'services/api', 'a.b_c-1', 'A1'])('%s is a name', n => {
    expect(isValidName(n)).toBe(true)
  })
  it.each(HOSTILE_NAMES.map(n => [JSON.stringify(n), n]))('%s is not a name', (_, n) => {
    expect(isValidName(n)).toBe(false)
  })
  it.each(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'windows/amd64'])(
    '%s is a platform',
    p => expect(isValidPlatform(p)).toBe(true)
  )
  it.each([
    'linux',
    'linux/amd64/v8/x',
    'Linux/AMD64',
    'linux/amd64\n::error::x',
    'linux/ amd64',
    ''
  ])('%j is not a platform', p => expect(isValidPlatform(p)).toBe(false))
})

describe('inputs', () => {
  it('refuses a hostile name in the input `name`, naming the input', () => {
    expect(() => readInputs(getter({ name: 'api\n::warning::x', image: 'x:1' }), noFile)).toThrow(
      /^input `name`: the image name "api\\n::warning::x" is not allowed/
    )
  })
  it('refuses a platform that is not os/arch[/variant]', () => {
    expect(() =>
      readInputs(getter({ image: 'x:1', platform: 'linux/amd64 ##[x]' }), noFile)
    ).toThrow(
      /^input `platform`: the platform "linux\/amd64 ##\[x\]" is neither "all" nor os\/arch\[\/variant\]/
    )
  })
  it('takes `all` (every platform of an index) in the input and in a config entry', () => {
    const one = readInputs(
      getter({ image: 'docker://127.0.0.1:5000/a:1', platform: 'all' }),
      noFile
    )
    expect(one.images.map(i => i.platform)).toEqual(['all'])
    const config =
      'images:\n  - name: api\n    image: docker://127.0.0.1:5000/a:1\n    platform: all\n'
    const many = readInputs(getter({}), () => config)
    expect(many.images.map(i => i.platform)).toEqual(['all'])
  })
  it('refuses `ALL` and `all/amd64`: only the exact word means every platform', () => {
    for (const platform of ['ALL', 'all/amd64/x/y', 'al l'])
      expect(() => readInputs(getter({ image: 'x:1', platform }), noFile)).toThrow(
        /input `platform`: the platform/
      )
  })
  it('refuses a hostile name in the config file, naming the file and entry', () => {
    const config = 'images:\n  - name: "a\\r::add-mask::b"\n    image: x:1\n'
    expect(() => readInputs(getter({}), () => config)).toThrow(
      /^\.github\/image-size-guard\.yml, entry 1, name: the image name "a\\r::add-mask::b"/
    )
  })
  it(`caps the images at ${MAX_IMAGES}`, () => {
    const list = Array.from({ length: MAX_IMAGES + 1 }, (_, i) => `- {name: i${i}, image: x:${i}}`)
    expect(() => readInputs(getter({ images: list.join('\n') }), noFile)).toThrow(
      `input \`images\` lists ${MAX_IMAGES + 1} images; at most ${MAX_IMAGES} are measured per run`
    )
  })
  it.each([
    [{ image: '--help' }, 'image'],
    [{ archive: '-x.tar' }, 'archive'],
    [{ archive: 'oci:-dir' }, 'archive'],
    [{ context: '--output=/tmp' }, 'context'],
    [{ file: '-f' }, 'file'],
    [{ target: '--push' }, 'target'],
    [{ network: '--privileged' }, 'network']
  ])('refuses %j, which would read as an option', (values, key) => {
    expect(() => readInputs(getter({ name: 'app', ...values }), noFile)).toThrow(
      `image "app": \`${key}\` must not start with "-"`
    )
  })
  it('refuses an option-like path in the config file too', () => {
    const config = 'images:\n  - name: api\n    context: --output=type=local,dest=/tmp/x\n'
    expect(() => readInputs(getter({}), () => config)).toThrow(
      'image "api": `context` must not start with "-"'
    )
  })
  it('refuses a derived name that is not allowed, saying to set `name`', () => {
    expect(() => readInputs(getter({ archive: 'my image.tar' }), noFile)).toThrow(/set `name`/)
  })
})

describe('the measure artifact', () => {
  const report = makeReport([{ createdBy: 'RUN x', bytes: 1000 }])
  const payload = (results: Array<Record<string, unknown>>) =>
    JSON.stringify({
      ...makeMeasurePayload({
        prNumber: 1,
        headSha: 'a'.repeat(40),
        baseSha: 'b'.repeat(40),
        results: []
      }),
      results
    })
  const result = (name: string, platform = report.image.platform) => ({ name, platform, report })

  it.each(HOSTILE_NAMES.map(n => [JSON.stringify(n), n]))('refuses the name %s', (_, n) => {
    expect(() => parseMeasurePayload(payload([result(n)]))).toThrow(/name/)
  })
  it('refuses a platform that is not os/arch[/variant]', () => {
    expect(() => parseMeasurePayload(payload([result('app', 'linux/amd64\n::error::x')]))).toThrow(
      /platform/
    )
  })
  it('refuses a result whose report says another platform', () => {
    const other = { ...result('app', 'linux/arm64'), report }
    expect(() => parseMeasurePayload(payload([other]))).toThrow(
      /result "app" says platform linux\/arm64 but its report says another/
    )
  })
  it('refuses the same image twice', () => {
    expect(() => parseMeasurePayload(payload([result('app'), result('app')]))).toThrow(
      /appears twice/
    )
  })
  it.each([
    ['string', JSON.stringify(JSON.stringify({ schemaVersion: 1 }))],
    ['list', JSON.stringify([{ schemaVersion: 1 }])]
  ])('says plainly when the file holds a JSON %s (nested JSON)', (kind, text) => {
    expect(() => parseMeasurePayload(text)).toThrow(
      `holds a JSON ${kind}, not the payload object: upload the file \`mode: measure\` wrote as it is`
    )
  })
  it(`refuses more than ${MAX_IMAGES} results`, () => {
    const many = Array.from({ length: 100 }, (_, i) => result(`i${i}`))
    expect(() => parseMeasurePayload(payload(many))).toThrow(/results/)
    const max = Array.from({ length: MAX_IMAGES }, (_, i) => result(`i${i}`))
    expect(parseMeasurePayload(payload(max)).results).toHaveLength(MAX_IMAGES)
  })
})
