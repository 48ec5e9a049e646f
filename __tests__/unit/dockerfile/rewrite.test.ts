import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import {
  applyRewrites,
  REWRITABLE_IDS,
  rewriteInstruction,
  rewritesFor
} from '../../../src/dockerfile/rewrite.js'
import { lexShell } from '../../../src/dockerfile/shell-words.js'

/** The RUN on line 2 of `FROM x\n<run>` rewritten for `ids`, as text (undefined: none). */
function fix(run: string, ...ids: string[]): string | undefined {
  const r = rewriteInstruction(`FROM debian:12\n${run}\n`, 2, ids)
  return r?.after.join('\n')
}

describe('flag fixes', () => {
  it.each([
    ['RUN pip install flask', 'RUN pip install --no-cache-dir flask'],
    ['RUN pip3 install -r requirements.txt', 'RUN pip3 install --no-cache-dir -r requirements.txt'],
    ['RUN python3 -m pip install flask', 'RUN python3 -m pip install --no-cache-dir flask'],
    ['RUN /usr/local/bin/pip3.12 install x', 'RUN /usr/local/bin/pip3.12 install --no-cache-dir x'],
    ['RUN pip --quiet install x', 'RUN pip --quiet install --no-cache-dir x'],
    ['RUN PIP_X=1 pip install x', 'RUN PIP_X=1 pip install --no-cache-dir x'],
    ['RUN sudo pip install x', 'RUN sudo pip install --no-cache-dir x'],
    [
      'RUN python3 /srv/pypi/pypi.py run -- pip install -r r.txt',
      'RUN python3 /srv/pypi/pypi.py run -- pip install --no-cache-dir -r r.txt'
    ],
    // Several commands joined by && ; || — each pip install gets the flag, nothing else moves.
    [
      'RUN set -e; pip install a && pip install b || echo failed',
      'RUN set -e; pip install --no-cache-dir a && pip install --no-cache-dir b || echo failed'
    ],
    ['RUN pip install "flask>=3" \'x y\'', 'RUN pip install --no-cache-dir "flask>=3" \'x y\''],
    [
      'RUN pip install $(cat reqs | tr "\\n" " ")',
      'RUN pip install --no-cache-dir $(cat reqs | tr "\\n" " ")'
    ],
    ['RUN pip install x > /dev/null 2>&1', 'RUN pip install --no-cache-dir x > /dev/null 2>&1']
  ])('pip-cache: %s', (run, expected) => {
    expect(fix(run, 'pip-cache')).toBe(expected)
  })

  it('keeps continuation lines, their indentation and the flag on the command line', () => {
    const run = ['RUN pip install \\', '      flask \\', '      gunicorn'].join('\n')
    expect(fix(run, 'pip-cache')).toBe(
      ['RUN pip install --no-cache-dir \\', '      flask \\', '      gunicorn'].join('\n')
    )
  })

  it('puts the flag on the line of the word even without a space before the backslash', () => {
    expect(fix('RUN pip install\\\n    flask', 'pip-cache')).toBe(
      'RUN pip install --no-cache-dir\\\n    flask'
    )
  })

  it('treats a backslash at a line end inside quotes as the continuation it is', () => {
    // The builder joins lines before the shell sees them, quotes or not.
    const run = 'RUN pip install "flask\\\n>=3" && echo "a \\" b"'
    expect(fix(run, 'pip-cache')).toBe(
      'RUN pip install --no-cache-dir "flask\\\n>=3" && echo "a \\" b"'
    )
  })

  it('expands ARG and ENV to find the command', () => {
    const text =
      'ARG PIP=pip3\nFROM python:3.12\nARG PIP\nENV INSTALL=install\nRUN $PIP ${INSTALL} flask\n'
    const r = rewriteInstruction(text, 5, ['pip-cache'])
    expect(r?.after).toEqual(['RUN $PIP ${INSTALL} --no-cache-dir flask'])
  })

  it('does not add a flag that is already there, even through an ARG', () => {
    expect(fix('RUN pip install --no-cache-dir x', 'pip-cache')).toBeUndefined()
    const text = 'FROM python:3.12\nARG FLAGS="--no-cache-dir -q"\nRUN pip install $FLAGS x\n'
    expect(rewriteInstruction(text, 3, ['pip-cache'])).toBeUndefined()
  })

  it.each([
    ['apk-cache', 'RUN apk add curl', 'RUN apk add --no-cache curl'],
    ['apk-cache', 'RUN apk --update add curl', 'RUN apk --update add --no-cache curl'],
    ['uv-cache', 'RUN uv pip install --system x', 'RUN uv pip install --no-cache --system x'],
    ['uv-cache', 'RUN uv sync --frozen', 'RUN uv sync --no-cache --frozen'],
    ['poetry-cache', 'RUN poetry install --no-root', 'RUN poetry install --no-cache --no-root'],
    ['composer-cache', 'RUN composer install', 'RUN composer install --no-cache'],
    [
      'recommends',
      'RUN apt-get update && apt-get install -y curl',
      'RUN apt-get update && apt-get install --no-install-recommends -y curl'
    ],
    [
      'recommends',
      'RUN apt-get -y install curl',
      'RUN apt-get -y install --no-install-recommends curl'
    ],
    [
      'recommends',
      'RUN apt-get update \\\n && apt-get install -y \\\n    curl git',
      'RUN apt-get update \\\n && apt-get install --no-install-recommends -y \\\n    curl git'
    ],
    ['recommends', 'RUN apt install -y tree', 'RUN apt install --no-install-recommends -y tree'],
    ['dev-dependencies', 'RUN npm ci', 'RUN npm ci --omit=dev'],
    [
      'dev-dependencies',
      'RUN npm install && npm cache clean --force',
      'RUN npm install --omit=dev && npm cache clean --force'
    ]
  ])('%s: %s', (id, run, expected) => {
    expect(fix(run, id)).toBe(expected)
  })
})

describe('clean-up fixes', () => {
  it.each([
    [
      'apt-lists',
      'RUN apt-get update && apt-get install -y curl',
      'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*'
    ],
    [
      'apt-lists',
      'RUN apt-get update; apt-get install -y curl;',
      'RUN apt-get update; apt-get install -y curl && rm -rf /var/lib/apt/lists/*;'
    ],
    [
      'apt-lists',
      'RUN apt-get update && apt-get install -y curl || true',
      'RUN apt-get update && apt-get install -y curl || true && rm -rf /var/lib/apt/lists/*'
    ],
    ['apt-archives', 'RUN apt-get install -y x', 'RUN apt-get install -y x && apt-get clean'],
    ['dnf-cache', 'RUN dnf install -y gcc', 'RUN dnf install -y gcc && dnf clean all'],
    ['dnf-cache', 'RUN yum install -y gcc', 'RUN yum install -y gcc && yum clean all'],
    ['zypper-cache', 'RUN zypper in -y gcc', 'RUN zypper in -y gcc && zypper clean --all'],
    ['conda-pkgs', 'RUN conda install -y numpy', 'RUN conda install -y numpy && conda clean -afy'],
    ['npm-cache', 'RUN npm ci', 'RUN npm ci && npm cache clean --force'],
    [
      'yarn-cache',
      'RUN yarn install --frozen-lockfile',
      'RUN yarn install --frozen-lockfile && yarn cache clean'
    ]
  ])('%s: %s', (id, run, expected) => {
    expect(fix(run, id)).toBe(expected)
  })

  it('adds a line in the style of a continued RUN with leading &&', () => {
    const run = [
      'RUN apt-get update \\',
      '    && apt-get install -y --no-install-recommends \\',
      '       curl ca-certificates'
    ].join('\n')
    expect(fix(run, 'apt-lists')).toBe(`${run} \\\n       && rm -rf /var/lib/apt/lists/*`)
  })

  it('adds a line in the style of a continued RUN with trailing &&', () => {
    const run = ['RUN apt-get update && \\', '\tapt-get install -y curl'].join('\n')
    expect(fix(run, 'apt-lists')).toBe(`${run} && \\\n\trm -rf /var/lib/apt/lists/*`)
  })

  it('skips comment lines inside the RUN and writes after the last command', () => {
    const run = ['RUN apt-get update \\', '# the tools', '    && apt-get install -y curl'].join(
      '\n'
    )
    expect(fix(run, 'apt-lists')).toBe(`${run} \\\n    && rm -rf /var/lib/apt/lists/*`)
  })

  it('applies two hints on one RUN together', () => {
    expect(fix('RUN apt-get update && apt-get install -y x', 'apt-archives', 'apt-lists')).toBe(
      'RUN apt-get update && apt-get install -y x && apt-get clean && rm -rf /var/lib/apt/lists/*'
    )
  })

  it('uses the escape directive for the new continuation', () => {
    const text = '# escape=`\nFROM debian:12\nRUN apt-get update `\n    && apt-get install -y x\n'
    const r = rewriteInstruction(text, 3, ['apt-lists'])
    expect(r?.after).toEqual([
      'RUN apt-get update `',
      '    && apt-get install -y x `',
      '    && rm -rf /var/lib/apt/lists/*'
    ])
  })

  it('needs the command that makes the waste, and no clean-up already there', () => {
    expect(fix('RUN apt-get install -y x', 'apt-lists')).toBeUndefined()
    expect(
      fix('RUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*', 'apt-lists')
    ).toBeUndefined()
  })
})

describe('what is not rewritten', () => {
  it.each([
    ['exec form', 'RUN ["pip", "install", "flask"]'],
    ['heredoc', 'RUN <<EOF\npip install flask\nEOF'],
    ['heredoc in a command', 'RUN python3 - <<EOF\nimport os\nEOF\n'],
    ['unbalanced quote', 'RUN pip install "flask'],
    ['subshell', 'RUN (cd /app && pip install .)'],
    ['group', 'RUN { pip install x; }'],
    ['backquotes', 'RUN pip install `cat reqs`'],
    ['background', 'RUN pip install x & wait'],
    ['comment', 'RUN pip install x # pinned later'],
    ['no pip install', 'RUN pip download x'],
    ['pip only as an argument', 'RUN echo pip install x'],
    ['shell test bracket (taken for exec form)', 'RUN [ -f r.txt ] && pip install -r r.txt'],
    ['a string that only mentions it', 'RUN echo "pip install x"']
  ])('%s', (_, run) => {
    expect(fix(run, 'pip-cache')).toBeUndefined()
  })

  it.each([
    ['recommends', 'RUN apt-get install -y -o APT::Install-Recommends=false curl'],
    ['recommends', 'RUN apt-get update'],
    ['dev-dependencies', 'RUN npm ci && npm run build'],
    ['dev-dependencies', 'RUN npm ci && npx tsc'],
    ['dev-dependencies', 'RUN npm install --production'],
    ['dev-dependencies', 'RUN npm ci --omit dev'],
    ['dev-dependencies', 'RUN npm ci --omit=dev'],
    ['dev-dependencies', 'RUN yarn install --frozen-lockfile']
  ])('%s: leaves %j alone', (id, run) => {
    expect(fix(run, id)).toBeUndefined()
  })

  it('leaves apk add alone after apk update (the index stays whatever the flag)', () => {
    expect(fix('RUN apk update && apk add curl', 'apk-cache')).toBeUndefined()
  })

  it('a RUN under SHELL runs in that shell: only POSIX shells are rewritten', () => {
    const under = (shell: string) =>
      rewriteInstruction(`FROM x\nSHELL ${shell}\nRUN pip install flask\n`, 3, ['pip-cache'])
    expect(under('["pwsh", "-Command"]')).toBeUndefined()
    expect(under('["cmd", "/S", "/C"]')).toBeUndefined()
    expect(under('["/bin/bash", "-o", "pipefail", "-c"]')?.after).toEqual([
      'RUN pip install --no-cache-dir flask'
    ])
    // A new stage starts with /bin/sh again.
    const text = 'FROM x\nSHELL ["pwsh", "-c"]\nFROM y\nRUN pip install flask\n'
    expect(rewriteInstruction(text, 4, ['pip-cache'])).toBeDefined()
  })

  it('RUN flags (--mount) stay as they are', () => {
    expect(fix('RUN --mount=type=cache,target=/root/.npm npm ci', 'pip-cache', 'npm-cache')).toBe(
      'RUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force'
    )
  })

  it('only RUN instructions, only known ids, only lines that hold an instruction', () => {
    expect(rewriteInstruction('FROM x\nCOPY pip /pip\n', 2, ['pip-cache'])).toBeUndefined()
    expect(rewriteInstruction('FROM x\nRUN pip install x\n', 2, ['docs'])).toBeUndefined()
    expect(rewriteInstruction('FROM x\nRUN pip install x\n', 3, ['pip-cache'])).toBeUndefined()
  })
})

describe('rewritesFor and applyRewrites', () => {
  const text = [
    'FROM python:3.12-slim',
    'RUN apt-get update \\',
    '    && apt-get install -y gcc',
    'COPY . /app',
    'RUN pip install -r /app/requirements.txt',
    ''
  ].join('\n')

  it('groups hints per instruction and skips what it cannot fix', () => {
    const rewrites = rewritesFor(text, [
      { id: 'pip-cache', dockerfileLine: 5 },
      { id: 'apt-lists', dockerfileLine: 2 },
      { id: 'docs', dockerfileLine: 2 },
      { id: 'apt-lists' }
    ])
    expect(rewrites.map(r => [r.line, r.endLine, r.ids])).toEqual([
      [2, 3, ['apt-lists']],
      [5, 5, ['pip-cache']]
    ])
    expect(rewrites[0].before).toEqual(['RUN apt-get update \\', '    && apt-get install -y gcc'])
    expect(applyRewrites(text, rewrites)).toBe(
      [
        'FROM python:3.12-slim',
        'RUN apt-get update \\',
        '    && apt-get install -y gcc \\',
        '    && rm -rf /var/lib/apt/lists/*',
        'COPY . /app',
        'RUN pip install --no-cache-dir -r /app/requirements.txt',
        ''
      ].join('\n')
    )
  })

  it('keeps CRLF line ends', () => {
    const crlf = text.replace(/\n/g, '\r\n')
    const out = applyRewrites(crlf, rewritesFor(crlf, [{ id: 'pip-cache', dockerfileLine: 5 }]))
    expect(out).toBe(crlf.replace('pip install -r', 'pip install --no-cache-dir -r'))
  })
})

describe('lexShell', () => {
  it('splits commands on operators and keeps quoted words whole', () => {
    const cs = lexShell(`a "b c" 'd;e' && f\\ g || h; i | j`)
    expect(cs?.map(c => [c.words.map(w => w.raw), c.next])).toEqual([
      [['a', '"b c"', "'d;e'"], '&&'],
      [['f\\ g'], '||'],
      [['h'], ';'],
      [['i'], '|'],
      [['j'], undefined]
    ])
  })

  it.each(['a &&', '&& a', 'a && && b', 'a "b', "a 'b", 'a $(b', 'a\\'])('refuses %s', t => {
    expect(lexShell(t)).toBeUndefined()
  })
})

describe('docs/hints.md', () => {
  it('lists exactly the rewritable ids under "Suggested changes"', () => {
    const doc = readFileSync('docs/hints.md', 'utf8')
    const section = doc.slice(
      doc.indexOf('## Suggested changes'),
      doc.indexOf('\n## ', doc.indexOf('## Suggested changes') + 5)
    )
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map(m => m[1])
    expect(listed.sort()).toEqual([...REWRITABLE_IDS].sort())
  })
})
