import './sourcemap-register.cjs';import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: ./src/analysis/hints/content.ts
// File contents the detectors read. Tar entries carry sizes and hashes only, but the package
// databases (which packages, their installed size, which files they own) are only in the
// files themselves. The image reader keeps the bytes of the few paths `wantsContent`
// accepts, per layer, under a fixed memory budget; ContentCollector does the bookkeeping.
//
// Reader contract: for every regular-file entry of layer `i` (0 = bottom), call
// `collector.wants(i, entry.path, entry.size)`; when it returns true, buffer that entry's
// data and call `collector.add(i, entry.path, data)`. Pass `collector.contents()` to
// detectHints as `contents`. Only the topmost version of a path can be the live one, so
// the collector keeps one version per path and frees lower ones.
const MiB = 2 ** 20;
/** Largest single file kept. */
const CONTENT_FILE_CAP = 16 * MiB;
/** Budget per class; the total never exceeds CONTENT_TOTAL_CAP. */
const CONTENT_BUDGET = {
    database: 16 * MiB,
    'file-list': 16 * MiB,
    manifest: 8 * MiB,
    lockfile: 16 * MiB
};
/** A package manifest (npm package.json) larger than this is not one we need to read. */
const MANIFEST_FILE_CAP = 1 * MiB;
const CONTENT_TOTAL_CAP = CONTENT_BUDGET.database +
    CONTENT_BUDGET['file-list'] +
    CONTENT_BUDGET.manifest +
    CONTENT_BUDGET.lockfile;
/** package.json, package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, poetry.lock outside node_modules. */
const APP_FILE = /^(?:(?!node_modules\/)[^/]+\/)*(?:package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock)$/;
/** Relative paths (no leading `/`) whose content detectors read. */
const CONTENT_PATHS = [
    // dpkg: the status database, and distroless's one-stanza-per-package status.d/
    { pattern: /^var\/lib\/dpkg\/status$/, class: 'database' },
    { pattern: /^var\/lib\/dpkg\/status\.d\/[^/]+\.md5sums$/, class: 'file-list' },
    { pattern: /^var\/lib\/dpkg\/status\.d\/[^/]+$/, class: 'database' },
    // apt: which packages were installed automatically (the recommends hint's roots)
    { pattern: /^var\/lib\/apt\/extended_states$/, class: 'database' },
    // dpkg: the files each package owns
    { pattern: /^var\/lib\/dpkg\/info\/[^/]+\.list$/, class: 'file-list' },
    // apk (Alpine, Wolfi usr-merged): one database with file lists inline
    { pattern: /^(?:usr\/)?lib\/apk\/db\/installed$/, class: 'database' },
    { pattern: /^etc\/apk\/world$/, class: 'database' },
    // rpm (Fedora 33+, RHEL 9, UBI 9; /usr/lib/sysimage on Fedora 36+ and openSUSE)
    { pattern: /^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/rpmdb\.sqlite$/, class: 'database' },
    // Python: the files each distribution installed (paths relative to its site-packages)
    { pattern: /\.dist-info\/RECORD$/, class: 'file-list' },
    { pattern: /\.egg-info\/installed-files\.txt$/, class: 'file-list' },
    // npm: each package's manifest (name, version); nested and scoped packages too
    { pattern: /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/, class: 'manifest' },
    // npm's hidden lockfile: the installed tree, with `"dev": true` on devDependencies
    { pattern: /(?:^|\/)node_modules\/\.package-lock\.json$/, class: 'lockfile' },
    // an app's own manifest and lockfiles (outside node_modules): dev-dependencies
    { pattern: APP_FILE, class: 'lockfile' }
];
function contentClass(path) {
    return CONTENT_PATHS.find(p => p.pattern.test(path))?.class;
}
/** The stateless part of the reader contract: is this entry one whose bytes we read? */
function wantsContent(path, size) {
    const cls = contentClass(path);
    return cls !== undefined && size <= fileCap(cls);
}
function fileCap(cls) {
    return cls === 'manifest' ? MANIFEST_FILE_CAP : CONTENT_FILE_CAP;
}
class ContentCollector {
    kept = new Map();
    used = {
        database: 0,
        'file-list': 0,
        manifest: 0,
        lockfile: 0
    };
    /** Reserves room for the entry; false when it is not wanted or does not fit. */
    wants(layer, path, size) {
        const cls = contentClass(path);
        if (cls === undefined || size > fileCap(cls))
            return false;
        const prev = this.kept.get(path);
        // A higher layer's version hides this one; within one layer the last entry wins.
        if (prev && prev.layer > layer)
            return false;
        const freed = prev ? prev.size : 0;
        if (this.used[cls] - freed + size > CONTENT_BUDGET[cls])
            return false;
        this.used[cls] += size - freed;
        this.kept.set(path, { layer, size, class: cls });
        return true;
    }
    add(layer, path, data) {
        const k = this.kept.get(path);
        if (k && k.layer === layer)
            k.data = data;
    }
    contents() {
        const out = new Map();
        for (const [path, k] of this.kept) {
            if (!k.data)
                continue;
            let m = out.get(k.layer);
            if (!m)
                out.set(k.layer, (m = new Map()));
            m.set(path, k.data);
        }
        return out;
    }
}
/** Content of the live (visible) version of `path`, when the reader kept it. */
function liveContent(contents, live, path) {
    const node = live.get(path);
    if (!contents || !node || node.entry.kind !== 'file')
        return undefined;
    return contents.get(node.layer)?.get(path);
}
function liveText(contents, live, path) {
    const data = liveContent(contents, live, path);
    return data ? new TextDecoder('utf-8').decode(data) : undefined;
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/unsafe.ts
// The characters that must never reach a log, a terminal or markdown as they are: C0 and C1
// controls (tab and newlines included), DEL, bidi embeddings/overrides/isolates and marks,
// zero-width and other invisible format characters (U+200B..U+200D, U+2060..U+206F, U+FEFF,
// U+180E, the soft hyphen), tag characters (U+E0000..U+E007F, which can spell hidden ASCII
// text) and lone surrogates. One definition for the renderers (render/escape.ts,
// render/terminal.ts), the readers' messages (image/layer/errors.ts) and the log writer
// (action/log.ts).
const UNSAFE_CHARS = '[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\ufeff]' +
    '|\\udb40[\\udc00-\\udc7f]' +
    '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
/** A fresh global regex for UNSAFE_CHARS (global regexes carry state: one per use site). */
function unsafeChars(extra = '') {
    return new RegExp(`${UNSAFE_CHARS}${extra}`, 'g');
}
// The runner reads a log line as a workflow command when, after its leading whitespace, it
// starts with `::` (`::warning::`, `::add-mask::`, `::stop-commands::`), or when it holds
// `##[` anywhere (the legacy `##[warning]` form). Its lines end at LF, CRLF and a bare CR.
const LINE_BREAK = /\r\n|\r|\n/;
// Tab and ESC stay: build logs indent with tabs and colour with ANSI sequences, and neither
// can start a command. Everything else unsafe (NUL first) becomes U+FFFD, visibly.
const UNSAFE_IN_LOG = new RegExp(`(?![\\t\\u001b])(?:${UNSAFE_CHARS})`, 'g');
/**
 * Text from an image, a build, an artifact or a baseline, made safe to print to a GitHub
 * Actions log: no line of the result is a workflow command. Each line keeps its text; a
 * leading `::` becomes `: :` and every `##[` becomes `# #[`; bare CRs end lines (as the
 * runner would) and NUL and other unsafe characters become U+FFFD.
 */
function neutraliseCommands(text) {
    return text
        .split(LINE_BREAK)
        .map(line => line
        .replace(UNSAFE_IN_LOG, '\ufffd')
        .replace(/##\[/g, '# #[')
        .replace(/^(\s*):(?=:)/, '$1: '))
        .join('\n');
}
/** One line of untrusted text for a log message (a name in a sentence): no line breaks at all. */
function logText(text) {
    return neutraliseCommands(text).replace(/\n/g, ' ');
}
/**
 * A value as pretty-printed JSON that is safe in a GitHub Actions log (the command line's
 * --json, run in a job). Every `##[` inside a string becomes `#\u0023[`: the same string
 * once parsed. A line of it never starts with `::` (it starts with a quote, a bracket or a
 * value), and line breaks inside strings are escaped by JSON itself.
 */
function logSafeJson(value) {
    return JSON.stringify(value, null, 2).replace(/##\[/g, '#\\u0023[');
}

;// CONCATENATED MODULE: ./src/image/layer/errors.ts
// Turns the terse errors of the tar parser, zlib and zstd into messages that say what is wrong with
// which layer and what to try.

/** `blobs/sha256/0123456789abcdef…` reads better in a log than 64 hex digits. */
function shortenDigests(text) {
    return text.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1…');
}
function layerLabel(name) {
    if (!name)
        return 'layer';
    // A blob path is hex and slashes; anything else in it (a NUL, a newline) is shown escaped.
    const plain = /^[\x21-\x7e]{1,200}$/.test(name);
    return `layer ${plain ? shortenDigests(name) : quoteName(name)}`;
}
const NAME_SHOWN = 120;
/**
 * A name from the archive, fit for a one-line message: quoted, control characters escaped, and
 * cut to 120 characters (a hostile archive can name an entry with 100 KiB of path).
 */
function quoteName(name) {
    const short = name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}…` : name;
    return JSON.stringify(shortenDigests(short));
}
const CONTROL_RUN = new RegExp(`(?:${UNSAFE_CHARS}|[\\u2028\\u2029])+`, 'g');
const MESSAGE_SHOWN = 1000;
/** One clean line of at most ~1000 characters: what an error message about input must be. */
function errors_oneLine(message) {
    const line = message.replace(CONTROL_RUN, ' ').trim();
    return line.length > MESSAGE_SHOWN ? `${line.slice(0, MESSAGE_SHOWN)}…` : line;
}
/** Where in the tar the parser was, for messages: `after entry "usr/bin/x" (entry 12)`. */
function position(lastPath, count) {
    return lastPath === undefined
        ? 'at its first entry'
        : `after entry ${quoteName(lastPath)} (entry ${count})`;
}
function explainTarError(err, where) {
    switch (err.code) {
        case 'truncated':
            return `the tar stream ends in the middle of an entry, ${where} (truncated archive?)`;
        case 'checksum':
        case 'format':
            return `the tar data is corrupt: a header ${where} is not a valid tar header (damaged or truncated archive?)`;
        case 'long-header':
            return `a PAX or GNU long-name header ${where} is larger than 4 MiB (corrupt archive?)`;
        case 'size':
            return `a tar header ${where} has an invalid size field (corrupt archive?)`;
    }
    return `cannot read the tar stream ${where}: ${err.message}`;
}
/** `what` is what was compressed: a layer `blob`, or the whole archive `file`. */
function explainDecompressError(err, compression, what = 'blob') {
    const msg = err.message;
    const truncated = err.code === 'Z_BUF_ERROR' ||
        msg === 'unexpected end of file' ||
        msg === 'unexpected EOF' ||
        msg.includes('ends in the middle of a frame');
    if (truncated)
        return `the ${compression} stream ends early (truncated ${what}?)`;
    if (msg.startsWith('the zstd '))
        return `${msg} (corrupt ${what}?)`;
    return `the ${compression} data is corrupt (${msg})`;
}

;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./node_modules/fzstd/esm/index.mjs
// Some numerical data is initialized as -1 even when it doesn't need initialization to help the JIT infer types
// aliases for shorter compressed code (most minifers don't do this)
var ab = ArrayBuffer, u8 = Uint8Array, u16 = Uint16Array, i16 = Int16Array, u32 = (/* unused pure expression or super */ null && (Uint32Array)), i32 = Int32Array;
var slc = function (v, s, e) {
    if (u8.prototype.slice)
        return u8.prototype.slice.call(v, s, e);
    if (s == null || s < 0)
        s = 0;
    if (e == null || e > v.length)
        e = v.length;
    var n = new u8(e - s);
    n.set(v.subarray(s, e));
    return n;
};
var fill = function (v, n, s, e) {
    if (u8.prototype.fill)
        return u8.prototype.fill.call(v, n, s, e);
    if (s == null || s < 0)
        s = 0;
    if (e == null || e > v.length)
        e = v.length;
    for (; s < e; ++s)
        v[s] = n;
    return v;
};
var cpw = function (v, t, s, e) {
    if (u8.prototype.copyWithin)
        return u8.prototype.copyWithin.call(v, t, s, e);
    if (s == null || s < 0)
        s = 0;
    if (e == null || e > v.length)
        e = v.length;
    while (s < e) {
        v[t++] = v[s++];
    }
};
/**
 * Codes for errors generated within this library
 */
var ZstdErrorCode = {
    InvalidData: 0,
    WindowSizeTooLarge: 1,
    InvalidBlockType: 2,
    FSEAccuracyTooHigh: 3,
    DistanceTooFarBack: 4,
    UnexpectedEOF: 5
};
// error codes
var ec = [
    'invalid zstd data',
    'window size too large (>2046MB)',
    'invalid block type',
    'FSE accuracy too high',
    'match distance too far back',
    'unexpected EOF'
];
var err = function (ind, msg, nt) {
    var e = new Error(msg || ec[ind]);
    e.code = ind;
    if (Error.captureStackTrace)
        Error.captureStackTrace(e, err);
    if (!nt)
        throw e;
    return e;
};
var rb = function (d, b, n) {
    var i = 0, o = 0;
    for (; i < n; ++i)
        o |= d[b++] << (i << 3);
    return o;
};
var b4 = function (d, b) { return (d[b] | (d[b + 1] << 8) | (d[b + 2] << 16) | (d[b + 3] << 24)) >>> 0; };
// read Zstandard frame header
var rzfh = function (dat, w) {
    var n3 = dat[0] | (dat[1] << 8) | (dat[2] << 16);
    if (n3 == 0x2FB528 && dat[3] == 253) {
        // Zstandard
        var flg = dat[4];
        //    single segment       checksum             dict flag     frame content flag
        var ss = (flg >> 5) & 1, cc = (flg >> 2) & 1, df = flg & 3, fcf = flg >> 6;
        if (flg & 8)
            err(0);
        // byte
        var bt = 6 - ss;
        // dict bytes
        var db = df == 3 ? 4 : df;
        // dictionary id
        var di = rb(dat, bt, db);
        bt += db;
        // frame size bytes
        var fsb = fcf ? (1 << fcf) : ss;
        // frame source size
        var fss = rb(dat, bt, fsb) + ((fcf == 1) && 256);
        // window size
        var ws = fss;
        if (!ss) {
            // window descriptor
            var wb = 1 << (10 + (dat[5] >> 3));
            ws = wb + (wb >> 3) * (dat[5] & 7);
        }
        if (ws > 2145386496)
            err(1);
        var buf = new u8((w == 1 ? (fss || ws) : w ? 0 : ws) + 12);
        buf[0] = 1, buf[4] = 4, buf[8] = 8;
        return {
            b: bt + fsb,
            y: 0,
            l: 0,
            d: di,
            w: (w && w != 1) ? w : buf.subarray(12),
            e: ws,
            o: new i32(buf.buffer, 0, 3),
            u: fss,
            c: cc,
            m: Math.min(131072, ws)
        };
    }
    else if (((n3 >> 4) | (dat[3] << 20)) == 0x184D2A5) {
        // skippable
        return b4(dat, 4) + 8;
    }
    err(0);
};
// most significant bit for nonzero
var msb = function (val) {
    var bits = 0;
    for (; (1 << bits) <= val; ++bits)
        ;
    return bits - 1;
};
// read finite state entropy
var rfse = function (dat, bt, mal) {
    // table pos
    var tpos = (bt << 3) + 4;
    // accuracy log
    var al = (dat[bt] & 15) + 5;
    if (al > mal)
        err(3);
    // size
    var sz = 1 << al;
    // probabilities symbols  repeat   index   high threshold
    var probs = sz, sym = -1, re = -1, i = -1, ht = sz;
    // optimization: single allocation is much faster
    var buf = new ab(512 + (sz << 2));
    var freq = new i16(buf, 0, 256);
    // same view as freq
    var dstate = new u16(buf, 0, 256);
    var nstate = new u16(buf, 512, sz);
    var bb1 = 512 + (sz << 1);
    var syms = new u8(buf, bb1, sz);
    var nbits = new u8(buf, bb1 + sz);
    while (sym < 255 && probs > 0) {
        var bits = msb(probs + 1);
        var cbt = tpos >> 3;
        // mask
        var msk = (1 << (bits + 1)) - 1;
        var val = ((dat[cbt] | (dat[cbt + 1] << 8) | (dat[cbt + 2] << 16)) >> (tpos & 7)) & msk;
        // mask (1 fewer bit)
        var msk1fb = (1 << bits) - 1;
        // max small value
        var msv = msk - probs - 1;
        // small value
        var sval = val & msk1fb;
        if (sval < msv)
            tpos += bits, val = sval;
        else {
            tpos += bits + 1;
            if (val > msk1fb)
                val -= msv;
        }
        freq[++sym] = --val;
        if (val == -1) {
            probs += val;
            syms[--ht] = sym;
        }
        else
            probs -= val;
        if (!val) {
            do {
                // repeat byte
                var rbt = tpos >> 3;
                re = ((dat[rbt] | (dat[rbt + 1] << 8)) >> (tpos & 7)) & 3;
                tpos += 2;
                sym += re;
            } while (re == 3);
        }
    }
    if (sym > 255 || probs)
        err(0);
    var sympos = 0;
    // sym step (coprime with sz - formula from zstd source)
    var sstep = (sz >> 1) + (sz >> 3) + 3;
    // sym mask
    var smask = sz - 1;
    for (var s = 0; s <= sym; ++s) {
        var sf = freq[s];
        if (sf < 1) {
            dstate[s] = -sf;
            continue;
        }
        // This is split into two loops in zstd to avoid branching, but as JS is higher-level that is unnecessary
        for (i = 0; i < sf; ++i) {
            syms[sympos] = s;
            do {
                sympos = (sympos + sstep) & smask;
            } while (sympos >= ht);
        }
    }
    // After spreading symbols, should be zero again
    if (sympos)
        err(0);
    for (i = 0; i < sz; ++i) {
        // next state
        var ns = dstate[syms[i]]++;
        // num bits
        var nb = nbits[i] = al - msb(ns);
        nstate[i] = (ns << nb) - sz;
    }
    return [(tpos + 7) >> 3, {
            b: al,
            s: syms,
            n: nbits,
            t: nstate
        }];
};
// read huffman
var rhu = function (dat, bt) {
    //  index  weight count
    var i = 0, wc = -1;
    //    buffer             header byte
    var buf = new u8(292), hb = dat[bt];
    // huffman weights
    var hw = buf.subarray(0, 256);
    // rank count
    var rc = buf.subarray(256, 268);
    // rank index
    var ri = new u16(buf.buffer, 268);
    // NOTE: at this point bt is 1 less than expected
    if (hb < 128) {
        // end byte, fse decode table
        var _a = rfse(dat, bt + 1, 6), ebt = _a[0], fdt = _a[1];
        bt += hb;
        var epos = ebt << 3;
        // last byte
        var lb = dat[bt];
        if (!lb)
            err(0);
        //  state1   state2   state1 bits   state2 bits
        var st1 = 0, st2 = 0, btr1 = fdt.b, btr2 = btr1;
        // fse pos
        // pre-increment to account for original deficit of 1
        var fpos = (++bt << 3) - 8 + msb(lb);
        for (;;) {
            fpos -= btr1;
            if (fpos < epos)
                break;
            var cbt = fpos >> 3;
            st1 += ((dat[cbt] | (dat[cbt + 1] << 8)) >> (fpos & 7)) & ((1 << btr1) - 1);
            hw[++wc] = fdt.s[st1];
            fpos -= btr2;
            if (fpos < epos)
                break;
            cbt = fpos >> 3;
            st2 += ((dat[cbt] | (dat[cbt + 1] << 8)) >> (fpos & 7)) & ((1 << btr2) - 1);
            hw[++wc] = fdt.s[st2];
            btr1 = fdt.n[st1];
            st1 = fdt.t[st1];
            btr2 = fdt.n[st2];
            st2 = fdt.t[st2];
        }
        if (++wc > 255)
            err(0);
    }
    else {
        wc = hb - 127;
        for (; i < wc; i += 2) {
            var byte = dat[++bt];
            hw[i] = byte >> 4;
            hw[i + 1] = byte & 15;
        }
        ++bt;
    }
    // weight exponential sum
    var wes = 0;
    for (i = 0; i < wc; ++i) {
        var wt = hw[i];
        // bits must be at most 11, same as weight
        if (wt > 11)
            err(0);
        wes += wt && (1 << (wt - 1));
    }
    // max bits
    var mb = msb(wes) + 1;
    // table size
    var ts = 1 << mb;
    // remaining sum
    var rem = ts - wes;
    // must be power of 2
    if (rem & (rem - 1))
        err(0);
    hw[wc++] = msb(rem) + 1;
    for (i = 0; i < wc; ++i) {
        var wt = hw[i];
        ++rc[hw[i] = wt && (mb + 1 - wt)];
    }
    // huf buf
    var hbuf = new u8(ts << 1);
    //    symbols                      num bits
    var syms = hbuf.subarray(0, ts), nb = hbuf.subarray(ts);
    ri[mb] = 0;
    for (i = mb; i > 0; --i) {
        var pv = ri[i];
        fill(nb, i, pv, ri[i - 1] = pv + rc[i] * (1 << (mb - i)));
    }
    if (ri[0] != ts)
        err(0);
    for (i = 0; i < wc; ++i) {
        var bits = hw[i];
        if (bits) {
            var code = ri[bits];
            fill(syms, i, code, ri[bits] = code + (1 << (mb - bits)));
        }
    }
    return [bt, {
            n: nb,
            b: mb,
            s: syms
        }];
};
// Tables generated using this:
// https://gist.github.com/101arrowz/a979452d4355992cbf8f257cbffc9edd
// default literal length table
var dllt = /*#__PURE__*/ rfse(/*#__PURE__*/ new u8([
    81, 16, 99, 140, 49, 198, 24, 99, 12, 33, 196, 24, 99, 102, 102, 134, 70, 146, 4
]), 0, 6)[1];
// default match length table
var dmlt = /*#__PURE__*/ rfse(/*#__PURE__*/ new u8([
    33, 20, 196, 24, 99, 140, 33, 132, 16, 66, 8, 33, 132, 16, 66, 8, 33, 68, 68, 68, 68, 68, 68, 68, 68, 36, 9
]), 0, 6)[1];
// default offset code table
var doct = /*#__PURE__ */ rfse(/*#__PURE__*/ new u8([
    32, 132, 16, 66, 102, 70, 68, 68, 68, 68, 36, 73, 2
]), 0, 5)[1];
// bits to baseline
var b2bl = function (b, s) {
    var len = b.length, bl = new i32(len);
    for (var i = 0; i < len; ++i) {
        bl[i] = s;
        s += 1 << b[i];
    }
    return bl;
};
// literal length bits
var llb = /*#__PURE__ */ new u8(( /*#__PURE__ */new i32([
    0, 0, 0, 0, 16843009, 50528770, 134678020, 202050057, 269422093
])).buffer, 0, 36);
// literal length baseline
var llbl = /*#__PURE__ */ b2bl(llb, 0);
// match length bits
var mlb = /*#__PURE__ */ new u8(( /*#__PURE__ */new i32([
    0, 0, 0, 0, 0, 0, 0, 0, 16843009, 50528770, 117769220, 185207048, 252579084, 16
])).buffer, 0, 53);
// match length baseline
var mlbl = /*#__PURE__ */ b2bl(mlb, 3);
// decode huffman stream
var dhu = function (dat, out, hu) {
    var len = dat.length, ss = out.length, lb = dat[len - 1], msk = (1 << hu.b) - 1, eb = -hu.b;
    if (!lb)
        err(0);
    var st = 0, btr = hu.b, pos = (len << 3) - 8 + msb(lb) - btr, i = -1;
    for (; pos > eb && i < ss;) {
        var cbt = pos >> 3;
        var val = (dat[cbt] | (dat[cbt + 1] << 8) | (dat[cbt + 2] << 16)) >> (pos & 7);
        st = ((st << btr) | val) & msk;
        out[++i] = hu.s[st];
        pos -= (btr = hu.n[st]);
    }
    if (pos != eb || i + 1 != ss)
        err(0);
};
// decode huffman stream 4x
// TODO: use workers to parallelize
var dhu4 = function (dat, out, hu) {
    var bt = 6;
    var ss = out.length, sz1 = (ss + 3) >> 2, sz2 = sz1 << 1, sz3 = sz1 + sz2;
    dhu(dat.subarray(bt, bt += dat[0] | (dat[1] << 8)), out.subarray(0, sz1), hu);
    dhu(dat.subarray(bt, bt += dat[2] | (dat[3] << 8)), out.subarray(sz1, sz2), hu);
    dhu(dat.subarray(bt, bt += dat[4] | (dat[5] << 8)), out.subarray(sz2, sz3), hu);
    dhu(dat.subarray(bt), out.subarray(sz3), hu);
};
// read Zstandard block
var rzb = function (dat, st, out) {
    var _a;
    var bt = st.b;
    //    byte 0        block type
    var b0 = dat[bt], btype = (b0 >> 1) & 3;
    st.l = b0 & 1;
    var sz = (b0 >> 3) | (dat[bt + 1] << 5) | (dat[bt + 2] << 13);
    // end byte for block
    var ebt = (bt += 3) + sz;
    if (btype == 1) {
        if (bt >= dat.length)
            return;
        st.b = bt + 1;
        if (out) {
            fill(out, dat[bt], st.y, st.y += sz);
            return out;
        }
        return fill(new u8(sz), dat[bt]);
    }
    if (ebt > dat.length)
        return;
    if (btype == 0) {
        st.b = ebt;
        if (out) {
            out.set(dat.subarray(bt, ebt), st.y);
            st.y += sz;
            return out;
        }
        return slc(dat, bt, ebt);
    }
    if (btype == 2) {
        //    byte 3        lit btype     size format
        var b3 = dat[bt], lbt = b3 & 3, sf = (b3 >> 2) & 3;
        // lit src size  lit cmp sz 4 streams
        var lss = b3 >> 4, lcs = 0, s4 = 0;
        if (lbt < 2) {
            if (sf & 1)
                lss |= (dat[++bt] << 4) | ((sf & 2) && (dat[++bt] << 12));
            else
                lss = b3 >> 3;
        }
        else {
            s4 = sf;
            if (sf < 2)
                lss |= ((dat[++bt] & 63) << 4), lcs = (dat[bt] >> 6) | (dat[++bt] << 2);
            else if (sf == 2)
                lss |= (dat[++bt] << 4) | ((dat[++bt] & 3) << 12), lcs = (dat[bt] >> 2) | (dat[++bt] << 6);
            else
                lss |= (dat[++bt] << 4) | ((dat[++bt] & 63) << 12), lcs = (dat[bt] >> 6) | (dat[++bt] << 2) | (dat[++bt] << 10);
        }
        ++bt;
        // add literals to end - can never overlap with backreferences because unused literals always appended
        var buf = out ? out.subarray(st.y, st.y + st.m) : new u8(st.m);
        // starting point for literals
        var spl = buf.length - lss;
        if (lbt == 0)
            buf.set(dat.subarray(bt, bt += lss), spl);
        else if (lbt == 1)
            fill(buf, dat[bt++], spl);
        else {
            // huffman table
            var hu = st.h;
            if (lbt == 2) {
                var hud = rhu(dat, bt);
                // subtract description length
                lcs += bt - (bt = hud[0]);
                st.h = hu = hud[1];
            }
            else if (!hu)
                err(0);
            (s4 ? dhu4 : dhu)(dat.subarray(bt, bt += lcs), buf.subarray(spl), hu);
        }
        // num sequences
        var ns = dat[bt++];
        if (ns) {
            if (ns == 255)
                ns = (dat[bt++] | (dat[bt++] << 8)) + 0x7F00;
            else if (ns > 127)
                ns = ((ns - 128) << 8) | dat[bt++];
            // symbol compression modes
            var scm = dat[bt++];
            if (scm & 3)
                err(0);
            var dts = [dmlt, doct, dllt];
            for (var i = 2; i > -1; --i) {
                var md = (scm >> ((i << 1) + 2)) & 3;
                if (md == 1) {
                    // rle buf
                    var rbuf = new u8([0, 0, dat[bt++]]);
                    dts[i] = {
                        s: rbuf.subarray(2, 3),
                        n: rbuf.subarray(0, 1),
                        t: new u16(rbuf.buffer, 0, 1),
                        b: 0
                    };
                }
                else if (md == 2) {
                    // accuracy log 8 for offsets, 9 for others
                    _a = rfse(dat, bt, 9 - (i & 1)), bt = _a[0], dts[i] = _a[1];
                }
                else if (md == 3) {
                    if (!st.t)
                        err(0);
                    dts[i] = st.t[i];
                }
            }
            var _b = st.t = dts, mlt = _b[0], oct = _b[1], llt = _b[2];
            var lb = dat[ebt - 1];
            if (!lb)
                err(0);
            var spos = (ebt << 3) - 8 + msb(lb) - llt.b, cbt = spos >> 3, oubt = 0;
            var lst = ((dat[cbt] | (dat[cbt + 1] << 8)) >> (spos & 7)) & ((1 << llt.b) - 1);
            cbt = (spos -= oct.b) >> 3;
            var ost = ((dat[cbt] | (dat[cbt + 1] << 8)) >> (spos & 7)) & ((1 << oct.b) - 1);
            cbt = (spos -= mlt.b) >> 3;
            var mst = ((dat[cbt] | (dat[cbt + 1] << 8)) >> (spos & 7)) & ((1 << mlt.b) - 1);
            for (++ns; --ns;) {
                var llc = llt.s[lst];
                var lbtr = llt.n[lst];
                var mlc = mlt.s[mst];
                var mbtr = mlt.n[mst];
                var ofc = oct.s[ost];
                var obtr = oct.n[ost];
                cbt = (spos -= ofc) >> 3;
                var ofp = 1 << ofc;
                var off = ofp + (((dat[cbt] | (dat[cbt + 1] << 8) | (dat[cbt + 2] << 16) | (dat[cbt + 3] << 24)) >>> (spos & 7)) & (ofp - 1));
                cbt = (spos -= mlb[mlc]) >> 3;
                var ml = mlbl[mlc] + (((dat[cbt] | (dat[cbt + 1] << 8) | (dat[cbt + 2] << 16)) >> (spos & 7)) & ((1 << mlb[mlc]) - 1));
                cbt = (spos -= llb[llc]) >> 3;
                var ll = llbl[llc] + (((dat[cbt] | (dat[cbt + 1] << 8) | (dat[cbt + 2] << 16)) >> (spos & 7)) & ((1 << llb[llc]) - 1));
                cbt = (spos -= lbtr) >> 3;
                lst = llt.t[lst] + (((dat[cbt] | (dat[cbt + 1] << 8)) >> (spos & 7)) & ((1 << lbtr) - 1));
                cbt = (spos -= mbtr) >> 3;
                mst = mlt.t[mst] + (((dat[cbt] | (dat[cbt + 1] << 8)) >> (spos & 7)) & ((1 << mbtr) - 1));
                cbt = (spos -= obtr) >> 3;
                ost = oct.t[ost] + (((dat[cbt] | (dat[cbt + 1] << 8)) >> (spos & 7)) & ((1 << obtr) - 1));
                if (off > 3) {
                    st.o[2] = st.o[1];
                    st.o[1] = st.o[0];
                    st.o[0] = off -= 3;
                }
                else {
                    var idx = off - (ll != 0);
                    if (idx) {
                        off = idx == 3 ? st.o[0] - 1 : st.o[idx];
                        if (idx > 1)
                            st.o[2] = st.o[1];
                        st.o[1] = st.o[0];
                        st.o[0] = off;
                    }
                    else
                        off = st.o[0];
                }
                for (var i = 0; i < ll; ++i) {
                    buf[oubt + i] = buf[spl + i];
                }
                oubt += ll, spl += ll;
                var stin = oubt - off;
                if (stin < 0) {
                    var len = -stin;
                    var bs = st.e + stin;
                    if (len > ml)
                        len = ml;
                    for (var i = 0; i < len; ++i) {
                        buf[oubt + i] = st.w[bs + i];
                    }
                    oubt += len, ml -= len, stin = 0;
                }
                for (var i = 0; i < ml; ++i) {
                    buf[oubt + i] = buf[stin + i];
                }
                oubt += ml;
            }
            if (oubt != spl) {
                while (spl < buf.length) {
                    buf[oubt++] = buf[spl++];
                }
            }
            else
                oubt = buf.length;
            if (out)
                st.y += oubt;
            else
                buf = slc(buf, 0, oubt);
        }
        else if (out) {
            st.y += lss;
            if (spl) {
                for (var i = 0; i < lss; ++i) {
                    buf[i] = buf[spl + i];
                }
            }
        }
        else if (spl)
            buf = slc(buf, spl);
        st.b = ebt;
        return buf;
    }
    err(2);
};
// concat
var cct = function (bufs, ol) {
    if (bufs.length == 1)
        return bufs[0];
    var buf = new u8(ol);
    for (var i = 0, b = 0; i < bufs.length; ++i) {
        var chk = bufs[i];
        buf.set(chk, b);
        b += chk.length;
    }
    return buf;
};
/**
 * Decompresses Zstandard data
 * @param dat The input data
 * @param buf The output buffer. If unspecified, the function will allocate
 *            exactly enough memory to fit the decompressed data. If your
 *            data has multiple frames and you know the output size, specifying
 *            it will yield better performance.
 * @returns The decompressed data
 */
function decompress(dat, buf) {
    var bufs = [], nb = +!buf;
    var bt = 0, ol = 0;
    for (; dat.length;) {
        var st = rzfh(dat, nb || buf);
        if (typeof st == 'object') {
            if (nb) {
                buf = null;
                if (st.w.length == st.u) {
                    bufs.push(buf = st.w);
                    ol += st.u;
                }
            }
            else {
                bufs.push(buf);
                st.e = 0;
            }
            for (; !st.l;) {
                var blk = rzb(dat, st, buf);
                if (!blk)
                    err(5);
                if (buf)
                    st.e = st.y;
                else {
                    bufs.push(blk);
                    ol += blk.length;
                    cpw(st.w, 0, blk.length);
                    st.w.set(blk, st.w.length - blk.length);
                }
            }
            bt = st.b + (st.c * 4);
        }
        else
            bt = st;
        dat = dat.subarray(bt);
    }
    return cct(bufs, ol);
}
/**
 * Decompressor for Zstandard streamed data
 */
var Decompress = /*#__PURE__*/ (function () {
    /**
     * Creates a Zstandard decompressor
     * @param ondata The handler for stream data
     */
    function Decompress(ondata) {
        this.ondata = ondata;
        this.c = [];
        this.l = 0;
        this.z = 0;
    }
    /**
     * Pushes data to be decompressed
     * @param chunk The chunk of data to push
     * @param final Whether or not this is the last chunk in the stream
     */
    Decompress.prototype.push = function (chunk, final) {
        if (typeof this.s == 'number') {
            var sub = Math.min(chunk.length, this.s);
            chunk = chunk.subarray(sub);
            this.s -= sub;
        }
        var sl = chunk.length;
        var ncs = sl + this.l;
        if (!this.s) {
            if (final) {
                if (!ncs) {
                    this.ondata(new u8(0), true);
                    return;
                }
                // min for frame + one block
                if (ncs < 5)
                    err(5);
            }
            else if (ncs < 18) {
                this.c.push(chunk);
                this.l = ncs;
                return;
            }
            if (this.l) {
                this.c.push(chunk);
                chunk = cct(this.c, ncs);
                this.c = [];
                this.l = 0;
            }
            if (typeof (this.s = rzfh(chunk)) == 'number')
                return this.push(chunk, final);
        }
        if (typeof this.s != 'number') {
            if (ncs < (this.z || 3)) {
                if (final)
                    err(5);
                this.c.push(chunk);
                this.l = ncs;
                return;
            }
            if (this.l) {
                this.c.push(chunk);
                chunk = cct(this.c, ncs);
                this.c = [];
                this.l = 0;
            }
            if (!this.z && ncs < (this.z = (chunk[this.s.b] & 2) ? 4 : 3 + ((chunk[this.s.b] >> 3) | (chunk[this.s.b + 1] << 5) | (chunk[this.s.b + 2] << 13)))) {
                if (final)
                    err(5);
                this.c.push(chunk);
                this.l = ncs;
                return;
            }
            else
                this.z = 0;
            for (;;) {
                var blk = rzb(chunk, this.s);
                if (!blk) {
                    if (final)
                        err(5);
                    var adc = chunk.subarray(this.s.b);
                    this.s.b = 0;
                    this.c.push(adc), this.l += adc.length;
                    return;
                }
                else {
                    this.ondata(blk, false);
                    cpw(this.s.w, 0, blk.length);
                    this.s.w.set(blk, this.s.w.length - blk.length);
                }
                if (this.s.l) {
                    var rest = chunk.subarray(this.s.b);
                    this.s = this.s.c * 4;
                    this.push(rest, final);
                    return;
                }
            }
        }
        else if (final)
            err(5);
    };
    return Decompress;
}());


;// CONCATENATED MODULE: ./src/image/layer/zstd-frames.ts
// Walks the frame structure of a zstd stream (RFC 8878 §3.1) without decoding it.
//
// Why: Node's built-in zstd decoder (node24, nodejs/node#64741) stops after the first frame,
// returns nothing when the stream opens with a skippable frame, and ends quietly on a truncated
// frame. zstd:chunked layers are many frames plus skippable ones. So we find the frame
// boundaries here, drop skippable frames, give each real frame to a fresh decoder, and report
// a stream that stops inside a frame.
const FRAME_END = Symbol('zstd frame end');
const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;
class ZstdFrameScanner {
    state = 'magic';
    header = Buffer.alloc(16);
    headerBytes = 0;
    need = 4;
    remaining = 0; // bytes left in a block body or skippable frame
    lastBlock = false;
    checksum = false;
    inFrame = false;
    offset = 0; // stream offset, for error messages
    frames = 0;
    /** Splits a chunk into the bytes of zstd frames (skippable frames dropped) and frame ends. */
    push(chunk) {
        const parts = [];
        let pos = 0;
        let start = this.inFrame ? 0 : -1; // where forwarded bytes of this chunk begin
        while (pos < chunk.length) {
            if (this.state === 'block-body' || this.state === 'skip-body') {
                const n = Math.min(this.remaining, chunk.length - pos);
                pos += n;
                this.remaining -= n;
                if (this.remaining === 0)
                    this.afterBody();
            }
            else {
                const magicAt = pos - this.headerBytes; // negative when the magic began in an earlier chunk
                while (this.headerBytes < this.need && pos < chunk.length)
                    this.header[this.headerBytes++] = chunk[pos++];
                if (this.headerBytes < this.need)
                    break;
                const started = this.onHeader(this.offset + pos);
                if (started)
                    start = this.frameStart(parts, magicAt);
            }
            if (this.state === 'magic' && this.inFrame) {
                parts.push(chunk.subarray(start, pos), FRAME_END);
                this.inFrame = false;
                start = -1;
            }
        }
        if (this.inFrame && start >= 0 && start < chunk.length)
            parts.push(chunk.subarray(start, chunk.length));
        this.offset += chunk.length;
        return parts;
    }
    /** Throws when the stream stopped inside a frame. */
    end() {
        if (this.state === 'magic' && this.headerBytes === 0 && this.frames > 0)
            return;
        if (this.frames === 0 && this.headerBytes === 0 && this.state === 'magic') {
            throw new Error('the zstd stream holds no frames');
        }
        throw new Error('the zstd stream ends in the middle of a frame');
    }
    // A magic split across two chunks: its first bytes were never in a forwarded range.
    frameStart(parts, magicAt) {
        if (magicAt >= 0)
            return magicAt;
        parts.push(Buffer.from(ZSTD_MAGIC_BYTES.slice(0, -magicAt)));
        return 0;
    }
    /** Acts on a complete header; returns true when a zstd frame's magic was just read. */
    onHeader(at) {
        const h = this.header;
        switch (this.state) {
            case 'magic':
                return this.onMagic(h.readUInt32LE(0), at);
            case 'skip-size':
                return this.expectBody('skip-body', h.readUInt32LE(0));
            case 'fhd':
                return this.onFrameDescriptor(h[0], at);
            case 'frame-header':
                return this.expect('block-header', 3);
            case 'block-header':
                return this.onBlockHeader(h[0] | (h[1] << 8) | (h[2] << 16), at);
            case 'checksum':
                return this.endFrame();
        }
        return false;
    }
    onMagic(magic, at) {
        if (magic === ZSTD_MAGIC) {
            this.inFrame = true;
            this.frames++;
            this.expect('fhd', 1);
            return true;
        }
        if (magic >>> 4 === 0x184d2a5)
            return this.expect('skip-size', 4);
        throw new Error(`the zstd stream has no frame at byte ${at - 4} (found ${hex(this.header, 4)})`);
    }
    onFrameDescriptor(fhd, at) {
        if (fhd & 0x08)
            throw new Error(`the zstd frame header at byte ${at - 1} is corrupt`);
        const singleSegment = (fhd >> 5) & 1;
        const fcsFlag = fhd >> 6;
        const dictBytes = [0, 1, 2, 4][fhd & 3];
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        this.checksum = (fhd & 0x04) !== 0;
        const rest = (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
        return rest === 0 ? this.expect('block-header', 3) : this.expect('frame-header', rest);
    }
    onBlockHeader(bits, at) {
        const type = (bits >> 1) & 3;
        if (type === BLOCK_RESERVED)
            throw new Error(`the zstd block at byte ${at - 3} is corrupt`);
        this.lastBlock = (bits & 1) === 1;
        const size = type === BLOCK_RLE ? 1 : bits >>> 3;
        if (size > 0)
            return this.expectBody('block-body', size);
        this.afterBody();
        return false;
    }
    afterBody() {
        if (this.state === 'skip-body')
            this.expect('magic', 4);
        else if (!this.lastBlock)
            this.expect('block-header', 3);
        else if (this.checksum)
            this.expect('checksum', 4);
        else
            this.endFrame();
    }
    endFrame() {
        this.expect('magic', 4); // push() sees `magic` with inFrame set and closes the frame
        return false;
    }
    expect(state, need) {
        this.state = state;
        this.need = need;
        this.headerBytes = 0;
        return false;
    }
    expectBody(state, size) {
        this.expect(state, 0);
        this.remaining = size;
        if (size === 0)
            this.afterBody();
        return false;
    }
}
const ZSTD_MAGIC_BYTES = [0x28, 0xb5, 0x2f, 0xfd];
function hex(b, n) {
    return Array.from(b.subarray(0, n), x => x.toString(16).padStart(2, '0')).join(' ');
}

;// CONCATENATED MODULE: ./src/image/layer/decompress.ts
// Decompressors for layer blobs. zlib runs on libuv's thread pool, so inflating overlaps with
// tar parsing and hashing on the main thread.




// zlib's default 16 KiB output chunk means a thread-pool round trip and a 'data' event per
// 16 KiB. 1 MiB cuts that overhead by 64: on the registry benchmark (two layer threads and the
// thread pool sharing two cores) it took 0.3 s off 3.6 s against 128 KiB (docs/benchmarks.md).
const CHUNK_SIZE = 1024 * 1024;
function createDecompressor(compression) {
    // Node's gunzip inflates every gzip member in turn, which eStargz (one member per file) needs.
    if (compression === 'gzip')
        return external_node_zlib_namespaceObject.createGunzip({ chunkSize: CHUNK_SIZE });
    return hasNativeZstd() ? new NativeZstdTransform() : new FzstdTransform();
}
/** Node >= 22.15 / 23.8 ships zstd in zlib (the node24 action runtime does). */
function hasNativeZstd() {
    return typeof external_node_zlib_namespaceObject.createZstdDecompress === 'function';
}
/**
 * Node's zstd decoder, one instance per frame (see zstd-frames.ts for why), so that multi-frame
 * and zstd:chunked blobs decode completely and a truncated blob is an error.
 */
class NativeZstdTransform extends external_node_stream_namespaceObject.Transform {
    scanner = new ZstdFrameScanner();
    frame;
    paused;
    _transform(chunk, _encoding, callback) {
        let parts;
        try {
            parts = this.scanner.push(chunk);
        }
        catch (err) {
            return callback(err);
        }
        this.run(parts, 0, callback);
    }
    _flush(callback) {
        try {
            this.scanner.end();
        }
        catch (err) {
            return callback(err);
        }
        callback();
    }
    // Output backpressure: a frame decoder is paused while our readable side is full.
    _read(size) {
        const paused = this.paused;
        this.paused = undefined;
        paused?.resume();
        super._read(size);
    }
    run(parts, from, callback) {
        for (let i = from; i < parts.length; i++) {
            const part = parts[i];
            if (part === FRAME_END)
                return this.closeFrame(() => this.run(parts, i + 1, callback));
            this.decoder().write(part);
        }
        // Take the next chunk only once the decoder has room: that is the input backpressure.
        if (this.frame?.writableNeedDrain)
            this.frame.once('drain', () => callback());
        else
            callback();
    }
    decoder() {
        if (this.frame)
            return this.frame;
        const frame = external_node_zlib_namespaceObject.createZstdDecompress({ chunkSize: CHUNK_SIZE });
        frame.on('data', (chunk) => {
            if (this.push(chunk))
                return;
            this.paused = frame;
            frame.pause();
        });
        frame.on('error', err => this.destroy(err));
        this.frame = frame;
        return frame;
    }
    closeFrame(next) {
        const frame = this.frame;
        this.frame = undefined;
        if (!frame)
            return next();
        frame.once('end', next);
        frame.end();
    }
}
// fzstd decodes synchronously on the main thread; slicing the input bounds how much output a
// single call can produce before backpressure gets a say.
const FZSTD_SLICE = 64 * 1024;
/** The pure-JS fallback for Node < 22.15: fzstd's streaming decoder as a Transform. */
class FzstdTransform extends external_node_stream_namespaceObject.Transform {
    decoder = new Decompress(data => {
        if (data.length > 0)
            this.push(Buffer.from(data.buffer, data.byteOffset, data.length));
    });
    _transform(chunk, _encoding, callback) {
        try {
            for (let at = 0; at < chunk.length; at += FZSTD_SLICE) {
                this.decoder.push(chunk.subarray(at, at + FZSTD_SLICE));
            }
            callback();
        }
        catch (err) {
            callback(err);
        }
    }
    _flush(callback) {
        try {
            this.decoder.push(new Uint8Array(0), true);
            callback();
        }
        catch (err) {
            callback(err);
        }
    }
}

;// CONCATENATED MODULE: ./src/image/layer/entry.ts
// Turns one tar header into a LayerEntry: clean path, whiteouts recognised, typeflag mapped.
// Pure, so the rules (OCI image-spec layer.md) are tested without any tar.

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
// Names that need no cleaning: no leading `/` or `./`, no `//`, no `.`/`..` segments, no
// trailing `/`. Almost every entry of a real layer takes this path.
const NEEDS_CLEANING = /^\.?\/|\/\/|(^|\/)\.\.?(\/|$)|\/$/;
/**
 * Cleans a tar entry name relative to the layer root: `./a//b/` -> `a/b`, `./` -> ``.
 * Returns undefined when the name climbs out of the root (`../x`, `a/../../x`).
 */
function normalizeEntryPath(raw) {
    if (!NEEDS_CLEANING.test(raw))
        return raw;
    const out = [];
    for (const part of raw.split('/')) {
        if (part === '' || part === '.')
            continue;
        if (part !== '..')
            out.push(part);
        else if (out.length === 0)
            return undefined;
        else
            out.pop();
    }
    return out.join('/');
}
/** Maps a header to an entry, or says why the entry is left out. */
function toLayerEntry(header) {
    const path = normalizeEntryPath(header.name);
    if (path === undefined)
        return { skip: `entry ${quoteName(header.name)} points outside the layer root` };
    // `hash` is declared up front (set later for files) so that V8 keeps it inside the object:
    // adding it afterwards costs a separate property array, ~33 bytes per entry of the image.
    const entry = {
        path,
        kind: kindOf(header.type),
        size: 0,
        mode: count(header.mode) & 0o7777,
        uid: paxNumber(header.pax, 'uid') ?? count(header.uid),
        gid: paxNumber(header.pax, 'gid') ?? count(header.gid),
        hash: undefined
    };
    if (entry.kind === 'file')
        entry.size = header.size ?? 0;
    if (entry.kind !== 'dir')
        markWhiteout(entry);
    return linkTarget(entry, header);
}
function kindOf(type) {
    switch (type) {
        case 'file':
        case 'contiguous-file':
            return 'file';
        case 'directory':
            return 'dir';
        case 'symlink':
            return 'symlink';
        case 'link':
            return 'hardlink';
        default:
            return 'other';
    }
}
// `.wh.<name>` hides <name> of lower layers; `.wh..wh..opq` hides all lower children of its
// directory. Other `.wh..wh.*` names are AUFS bookkeeping (`.wh..wh.plnk`), not whiteouts.
function markWhiteout(entry) {
    const slash = entry.path.lastIndexOf('/');
    // Almost no entry is a whiteout: test in place before slicing anything (once per entry).
    if (!entry.path.startsWith(WHITEOUT_PREFIX, slash + 1))
        return;
    const base = entry.path.slice(slash + 1);
    const dir = slash < 0 ? '' : entry.path.slice(0, slash);
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (base === OPAQUE_MARKER)
        setMarker(entry, 'opaque', dir);
    else if (name.startsWith(WHITEOUT_PREFIX))
        entry.kind = 'other';
    else if (name !== '' && name !== '.' && name !== '..') {
        setMarker(entry, 'whiteout', dir === '' ? name : `${dir}/${name}`);
    }
    else
        entry.kind = 'other';
}
function setMarker(entry, kind, path) {
    entry.kind = kind;
    entry.path = path;
    entry.size = 0;
}
function linkTarget(entry, header) {
    const raw = header.linkname ?? '';
    if (entry.kind === 'symlink')
        entry.linkname = raw;
    if (entry.kind !== 'hardlink')
        return { entry };
    const target = normalizeEntryPath(raw);
    if (target === undefined || target === '') {
        return {
            skip: `hard link ${quoteName(header.name)} points outside the layer root (${quoteName(raw)})`
        };
    }
    entry.linkname = target;
    return { entry };
}
/** A header number as a count: a garbled field (NaN, negative, past 2^53) reads as 0. */
function count(n) {
    return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : 0;
}
// PAX records carry ids that do not fit the 7 octal digits of a ustar header.
function paxNumber(pax, key) {
    if (typeof pax !== 'object' || pax === null)
        return undefined;
    const value = pax[key];
    if (typeof value !== 'string')
        return undefined;
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

;// CONCATENATED MODULE: ./src/image/layer/elf.ts
// ELF files seen while a layer streams past: is the file static, is it a Go binary, and
// which sections `strip` would remove (.symtab, .strtab, .debug_*), with their sizes.
//
// The bytes pass once and are not kept, so the probe keeps only bounded pieces that can hold
// what the parse needs: the head (ELF header, program headers), the PT_DYNAMIC range (its
// DT_NEEDED entries), the first bytes outside every PT_LOAD segment (where the Go linker
// puts .shstrtab) and the tail (where GNU ld puts .shstrtab and the section header table).
// At most HEAD + DYNAMIC + NONLOAD + TAIL bytes per file, one file at a time. When the section
// names cannot be read (the Go linker puts .shstrtab inside a loaded segment) the sections
// are classified by type and flags: SHT_SYMTAB, the string table it links, and the
// non-allocated PROGBITS sections (the debug sections, plus .comment-like sections of a few
// bytes that strip keeps). A Go binary is also known by its "Go" build-id note (PT_NOTE).
const ELF_HEAD_BYTES = 64 * 1024;
const ELF_TAIL_BYTES = 1024 * 1024;
const ELF_NONLOAD_BYTES = 1024 * 1024;
const ELF_DYNAMIC_BYTES = 64 * 1024;
/** Smallest file looked at: an ELF64 header is 64 bytes. */
const ELF_MIN_BYTES = 64;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_NOTE = 4;
const SHF_ALLOC = 2;
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const DT_NEEDED = 1;
/** Random access to the kept pieces of a file; undefined when a range was not kept. */
class Pieces {
    pieces;
    constructor(pieces) {
        this.pieces = pieces;
    }
    read(offset, length) {
        if (offset < 0 || length < 0 || !Number.isSafeInteger(offset + length))
            return undefined;
        for (const p of this.pieces) {
            if (offset >= p.start && offset + length <= p.start + p.data.length) {
                return p.data.subarray(offset - p.start, offset - p.start + length);
            }
        }
        return undefined;
    }
}
/** Merges contiguous writes into pieces. */
class PieceSet {
    runs = [];
    add(start, data) {
        if (data.length === 0)
            return;
        const last = this.runs[this.runs.length - 1];
        // borrowed chunk (see streams.ts): copied, since it is kept past this write
        if (last && last.end === start) {
            last.parts.push(Buffer.from(data));
            last.end += data.length;
        }
        else
            this.runs.push({ start, parts: [Buffer.from(data)], end: start + data.length });
    }
    pieces() {
        return new Pieces(this.runs.map(r => {
            if (r.parts.length > 1)
                r.parts = [Buffer.concat(r.parts)];
            return { start: r.start, data: r.parts[0] };
        }));
    }
}
/**
 * Watches one regular file's bytes; `finish()` gives its ElfInfo, or undefined for a file
 * that is not ELF or too damaged to read.
 */
class ElfProbe {
    size;
    offset = 0;
    notElf = false;
    kept = new PieceSet();
    layout;
    nonload = 0;
    gaveUp = false;
    constructor(size) {
        this.size = size;
    }
    write(chunk) {
        if (this.notElf)
            return;
        const start = this.offset;
        this.offset += chunk.length;
        if (start === 0 && !isElfMagic(chunk)) {
            this.notElf = true;
            return;
        }
        for (let i = 0; i < chunk.length;) {
            const pos = start + i;
            const keep = this.keeps(pos);
            // Run of bytes with the same decision (bounded by the next boundary that can change it).
            const j = Math.min(chunk.length, i + this.runLength(pos));
            if (keep)
                this.kept.add(pos, chunk.subarray(i, j));
            if (keep && this.inNonload(pos))
                this.nonload += j - i;
            i = j;
            if (!this.layout && !this.gaveUp && this.offset >= 64)
                this.tryLayout();
        }
    }
    finish() {
        if (this.notElf || this.offset < ELF_MIN_BYTES)
            return undefined;
        return parseElf(this.kept.pieces(), this.size);
    }
    tryLayout() {
        const layout = readLayout(this.kept.pieces());
        if (layout === null)
            this.notElf = true;
        else if (layout)
            this.layout = layout;
        // program headers outside the head: read what the head and tail hold, no more
        else if (this.offset >= ELF_HEAD_BYTES)
            this.gaveUp = true;
    }
    keeps(pos) {
        if (pos < ELF_HEAD_BYTES || pos >= this.size - ELF_TAIL_BYTES)
            return true;
        const l = this.layout;
        if (!l)
            return false;
        if (l.dynamic && pos >= l.dynamic[0] && pos < l.dynamic[1])
            return true;
        return this.nonload < ELF_NONLOAD_BYTES && this.inNonload(pos);
    }
    inNonload(pos) {
        const l = this.layout;
        if (!l || pos < ELF_HEAD_BYTES || pos >= this.size - ELF_TAIL_BYTES)
            return false;
        if (l.dynamic && pos >= l.dynamic[0] && pos < l.dynamic[1])
            return false;
        return !l.loads.some(([a, b]) => pos >= a && pos < b);
    }
    /** Bytes from `pos` until a boundary where keeps() may change. */
    runLength(pos) {
        const bounds = [ELF_HEAD_BYTES, this.size - ELF_TAIL_BYTES, 64];
        const l = this.layout;
        if (l) {
            for (const [a, b] of l.loads)
                bounds.push(a, b);
            if (l.dynamic)
                bounds.push(l.dynamic[0], l.dynamic[1]);
        }
        let next = Infinity;
        for (const b of bounds)
            if (b > pos && b < next)
                next = b;
        if (l && this.inNonload(pos)) {
            next = Math.min(next, pos + Math.max(1, ELF_NONLOAD_BYTES - this.nonload));
        }
        return Number.isFinite(next) ? next - pos : Number.MAX_SAFE_INTEGER;
    }
}
function isElfMagic(b) {
    return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}
class View {
    buf;
    le;
    constructor(buf, le) {
        this.buf = buf;
        this.le = le;
    }
    u16(o) {
        return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
    }
    u32(o) {
        return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
    }
    u64(o) {
        const v = this.le ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o);
        return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    }
    word(o, is64) {
        return is64 ? this.u64(o) : this.u32(o);
    }
}
/** undefined: not enough bytes yet; null: not an ELF we read. */
function readLayout(p) {
    const ident = p.read(0, 16);
    if (!ident)
        return undefined;
    if (!isElfMagic(ident))
        return null;
    const cls = ident[4];
    const data = ident[5];
    if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2))
        return null;
    const is64 = cls === 2;
    const le = data === 1;
    const hdr = p.read(0, is64 ? 64 : 52);
    if (!hdr)
        return undefined;
    const h = new View(hdr, le);
    const phoff = h.word(is64 ? 32 : 28, is64);
    const phentsize = h.u16(is64 ? 54 : 42);
    const phnum = h.u16(is64 ? 56 : 44);
    const loads = [];
    let dynamic;
    let interp = false;
    const notes = [];
    if (phnum > 0 && phentsize >= (is64 ? 56 : 32)) {
        const table = p.read(phoff, phnum * phentsize);
        if (!table)
            return undefined;
        const t = new View(table, le);
        for (let i = 0; i < phnum; i++) {
            const o = i * phentsize;
            const type = t.u32(o);
            const off = t.word(is64 ? o + 8 : o + 4, is64);
            const filesz = t.word(is64 ? o + 32 : o + 16, is64);
            if (type === PT_LOAD)
                loads.push([off, off + filesz]);
            else if (type === PT_INTERP)
                interp = true;
            else if (type === PT_DYNAMIC)
                dynamic = [off, off + Math.min(filesz, ELF_DYNAMIC_BYTES)];
            else if (type === PT_NOTE)
                notes.push([off, off + filesz]);
        }
    }
    return { is64, le, loads, ...(dynamic ? { dynamic } : {}), notes, interp };
}
/** Parses what was kept of an ELF file of `size` bytes. Pure: tested with built files. */
function parseElf(p, size) {
    const layout = readLayout(p);
    if (!layout)
        return undefined;
    const { is64, le } = layout;
    const h = new View(p.read(0, is64 ? 64 : 52), le);
    const type = h.u16(16);
    const machine = h.u16(18);
    const shoff = h.word(is64 ? 40 : 32, is64);
    const shentsize = h.u16(is64 ? 58 : 46);
    const shnum = h.u16(is64 ? 60 : 48);
    const shstrndx = h.u16(is64 ? 62 : 50);
    const needed = neededCount(p, layout);
    const info = {
        type: type === 2 ? 'exec' : type === 3 ? 'dyn' : type === 1 ? 'rel' : 'other',
        machine,
        interp: layout.interp,
        ...(needed !== undefined ? { needed } : {}),
        go: hasGoNote(p, layout),
        sectionsRead: false,
        namesRead: false,
        strippable: []
    };
    if (shnum === 0 || shentsize < (is64 ? 64 : 40) || shoff >= size)
        return info;
    const table = p.read(shoff, shnum * shentsize);
    if (!table)
        return info;
    const t = new View(table, le);
    const sections = [];
    for (let i = 0; i < shnum; i++) {
        const o = i * shentsize;
        sections.push({
            name: undefined,
            type: t.u32(o + 4),
            flags: t.word(o + 8, is64),
            offset: t.word(is64 ? o + 24 : o + 16, is64),
            size: t.word(is64 ? o + 32 : o + 20, is64),
            link: t.u32(is64 ? o + 40 : o + 24)
        });
    }
    info.sectionsRead = true;
    const strtab = sections[shstrndx];
    const names = strtab ? p.read(strtab.offset, strtab.size) : undefined;
    if (names) {
        info.namesRead = true;
        for (const s of sections)
            s.name = cString(names, nameOffset(t, sections.indexOf(s), shentsize));
    }
    info.go ||= sections.some(s => s.name === '.note.go.buildid' || s.name === '.go.buildinfo');
    info.strippable = strippable(sections, shstrndx, info.namesRead);
    return info;
}
function nameOffset(t, index, shentsize) {
    return t.u32(index * shentsize);
}
function cString(b, at) {
    if (at >= b.length)
        return undefined;
    const end = b.indexOf(0, at);
    return b.toString('latin1', at, end < 0 ? b.length : end);
}
const SHT_NOBITS = 8;
/** .symtab, the string table it links (.strtab), and the .debug_* and .zdebug_* sections. */
function strippable(sections, shstrndx, named) {
    const out = [];
    const seen = new Set();
    const add = (i, fallback) => {
        const s = sections[i];
        if (!s || seen.has(i) || s.type === SHT_NOBITS || s.size <= 0)
            return;
        seen.add(i);
        out.push({ name: s.name ?? fallback, bytes: s.size });
    };
    sections.forEach((s, i) => {
        if (s.type === SHT_SYMTAB) {
            add(i, '.symtab');
            // the symbol names, unless the linker shares .shstrtab (then strip keeps it)
            if (s.link !== shstrndx)
                add(s.link, '.strtab');
        }
    });
    sections.forEach((s, i) => {
        if (s.name !== undefined && /^\.z?debug_/.test(s.name))
            add(i, s.name);
        // Names unread (the Go linker puts .shstrtab inside a loaded segment): the debug sections
        // are the non-allocated PROGBITS ones (also .comment and .gnu_debuglink: a few bytes).
        if (!named && s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) === 0)
            add(i, `[${i}]`);
    });
    return out;
}
/** A PT_NOTE in the head holds a note named "Go" (the Go build id). */
function hasGoNote(p, layout) {
    for (const [a, b] of layout.notes) {
        const d = p.read(a, Math.min(b - a, 4096));
        if (!d)
            continue;
        const v = new View(d, layout.le);
        for (let o = 0; o + 12 <= d.length;) {
            const namesz = v.u32(o);
            const descsz = v.u32(o + 4);
            const name = d.toString('latin1', o + 12, Math.min(d.length, o + 12 + namesz));
            if (name.replace(/\0+$/, '') === 'Go')
                return true;
            o += 12 + align4(namesz) + align4(descsz);
        }
    }
    return false;
}
function align4(n) {
    return (n + 3) & ~3;
}
/** DT_NEEDED entries, when PT_DYNAMIC was kept; undefined when unknown. */
function neededCount(p, layout) {
    if (!layout.dynamic)
        return 0;
    const [a, b] = layout.dynamic;
    const d = p.read(a, b - a);
    if (!d)
        return undefined;
    const v = new View(d, layout.le);
    const step = layout.is64 ? 16 : 8;
    let n = 0;
    for (let o = 0; o + step <= d.length; o += step) {
        const tag = v.word(o, layout.is64);
        if (tag === 0)
            break;
        if (tag === DT_NEEDED)
            n++;
    }
    return n;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/image/layer/hash.ts
// Content digests of regular files, computed as their bytes stream past (sha256, first 128 bits
// as hex). Layers hold hundreds of thousands of small files, so the per-file cost matters as
// much as the per-byte cost: on Node 20, createHash() costs ~10 µs (an OpenSSL 3 digest fetch
// per call) against ~3 µs for the one-shot crypto.hash(), which is used for every file whose
// bytes arrive in one piece or fit the scratch buffer.

/** `hash` keeps the first 32 hex digits (128 bits) of the sha256. */
const HASH_HEX_LENGTH = 32;
const HASH_BYTES = HASH_HEX_LENGTH / 2;
/** Files up to this size are gathered (copied) and hashed in one call when they arrive split. */
const SCRATCH_BYTES = 64 * 1024;
// crypto.hash() is Node >= 20.12 / 21.7. `buffer` output, then hex of the first half: a flat
// 32-character string (slicing a 64-digit hex string would keep the long one alive too).
const oneShot = typeof external_node_crypto_namespaceObject.hash === 'function'
    ? data => external_node_crypto_namespaceObject.hash('sha256', data, 'buffer').toString('hex', 0, HASH_BYTES)
    : data => external_node_crypto_namespaceObject.createHash('sha256').update(data).digest().toString('hex', 0, HASH_BYTES);
const EMPTY_FILE_HASH = oneShot(Buffer.alloc(0));
/** A scratch buffer shared by the files of one layer (they stream one after the other). */
function scratchBuffer() {
    return Buffer.allocUnsafe(SCRATCH_BYTES);
}
/**
 * The body of one regular file: hashes what it is written and sets `entry.hash` at the end;
 * hands the bytes to `keep` too when the caller wants the content (package databases).
 */
class FileHasher {
    entry;
    scratch;
    keep;
    hash;
    filled = 0;
    constructor(entry, scratch, keep) {
        this.entry = entry;
        this.scratch = scratch;
        this.keep = keep;
    }
    write(chunk) {
        this.keep?.push(Buffer.from(chunk)); // borrowed (see streams.ts): the content is kept
        const size = this.entry.size;
        if (this.hash !== undefined)
            this.hash.update(chunk);
        else if (this.filled === 0 && chunk.length === size)
            this.entry.hash = oneShot(chunk);
        else if (size <= this.scratch.length)
            this.gather(chunk);
        else
            this.hash = external_node_crypto_namespaceObject.createHash('sha256').update(chunk);
        return true;
    }
    end() {
        if (this.hash !== undefined)
            this.entry.hash = this.hash.digest().toString('hex', 0, HASH_BYTES);
    }
    once() { } // never full: hashing is synchronous
    gather(chunk) {
        chunk.copy(this.scratch, this.filled);
        this.filled += chunk.length;
        if (this.filled === this.entry.size)
            this.entry.hash = oneShot(this.scratch.subarray(0, this.filled));
    }
}

;// CONCATENATED MODULE: ./src/image/layer/sniff.ts
// Tells what a blob is from its first bytes. Media types and file names lie (Docker 25 names
// uncompressed layers like blobs, eStargz says +gzip), magic bytes do not.
/** Bytes needed to recognise a tar: one header block (the `ustar` magic sits at 257). */
const SNIFF_BYTES = 512;
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar", followed by NUL (POSIX) or space (GNU)
function sniffCompression(head) {
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)
        return 'gzip';
    if (head.length >= 4 && isZstdMagic(head))
        return 'zstd';
    if (isTarHead(head))
        return 'none';
    return 'unknown';
}
/** A zstd frame (`28 b5 2f fd`) or a skippable frame (`5? 2a 4d 18`, used by zstd:chunked). */
function isZstdMagic(b) {
    if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd)
        return true;
    return (b[0] & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18;
}
function isTarHead(b) {
    if (b.length < SNIFF_BYTES)
        return false;
    if (USTAR.every((byte, i) => b[257 + i] === byte))
        return true;
    // An empty layer is nothing but the end-of-archive zero blocks; pre-POSIX (v7) tars have no
    // magic, so a header whose checksum adds up is accepted too.
    return isZeroBlock(b) || hasValidChecksum(b);
}
function isZeroBlock(b) {
    for (let i = 0; i < SNIFF_BYTES; i++)
        if (b[i] !== 0)
            return false;
    return true;
}
function hasValidChecksum(b) {
    let sum = 8 * 0x20; // the checksum field itself counts as spaces
    for (let i = 0; i < SNIFF_BYTES; i++)
        if (i < 148 || i >= 156)
            sum += b[i];
    const field = Buffer.from(b.subarray(148, 156)).toString('latin1');
    const stored = parseInt(field.replace(/[\0 ]+/g, ' ').trim(), 8);
    return Number.isFinite(stored) && stored === sum && b[0] !== 0;
}
/** First non-blank byte is `{` or `[` (a UTF-8 byte order mark is allowed). */
function looksLikeJson(head) {
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length &&
        (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
        i++;
    return head[i] === 0x7b || head[i] === 0x5b;
}
/**
 * What a blob that is none of the known kinds looks like, for error messages. No byte of it
 * is shown: the path may point at anything (`archive: /proc/self/environ` in a PR's config),
 * and an error message is printed to the log.
 */
function describeHead(head) {
    if (head.length === 0)
        return 'it is empty';
    if (looksLikeJson(head))
        return 'it looks like JSON';
    if (head[0] === 0x50 && head[1] === 0x4b)
        return 'it looks like a zip archive';
    const sample = head.subarray(0, 64);
    const text = sample.every(b => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
    return text ? 'it looks like text' : 'it holds unrecognised binary data';
}

;// CONCATENATED MODULE: ./src/image/layer/streams.ts
// Small stream plumbing shared by the layer and archive readers. Written out by hand (instead of
// stream.pipeline) because the tar parser is a plain synchronous sink, and because every error
// must land in exactly one place: the reader's promise.
//
// The one rule of this plumbing: a chunk passed to write() is BORROWED. It is valid during the
// call only (the engine reader hands out views of one reused socket buffer), so a sink that
// keeps bytes past write() copies them: the sniffer's head, JSON documents, kept package
// databases, and every chunk given to a decompressor (copying(), below).


/** A Node readable as a ByteSource (its chunks are fresh buffers, which is fine too). */
function streams_readableSource(stream) {
    return {
        pushTo: (sink, onError) => {
            stream.on('error', onError);
            feed(stream, sink);
        },
        destroy: () => void stream.destroy()
    };
}
/**
 * Moves every chunk from source to sink, pausing the source while the sink is full, and ends
 * the sink when the source ends. Errors are the caller's to listen for, on both sides.
 */
function feed(source, sink, onChunk) {
    let waiting = false;
    const resume = () => {
        waiting = false;
        source.resume();
    };
    source.on('data', chunk => {
        onChunk?.(chunk);
        if (sink.write(chunk) || waiting)
            return;
        waiting = true;
        source.pause();
        sink.once('drain', resume);
    });
    source.on('end', () => sink.end());
}
/**
 * A sink whose write() and end() never throw: the first error goes to `onError` and later
 * chunks are dropped. What feed() writes to must not throw, or the error would escape from the
 * source's 'data' event.
 */
function guard(sink, onError) {
    let failed = false;
    const attempt = (work, otherwise) => {
        if (failed)
            return otherwise;
        try {
            return work();
        }
        catch (err) {
            failed = true;
            onError(err);
            return otherwise;
        }
    };
    return {
        write: chunk => attempt(() => sink.write(chunk), true),
        end: () => attempt(() => sink.end(), undefined),
        once: (event, listener) => (failed ? queueMicrotask(listener) : sink.once(event, listener))
    };
}
/** A Node writable (zlib) that keeps what it is written: it gets copies of borrowed chunks. */
function copying(sink) {
    return {
        write: chunk => sink.write(Buffer.from(chunk)),
        end: () => sink.end(),
        once: (event, listener) => sink.once(event, listener)
    };
}
/**
 * Holds back the first `sniffBytes` bytes until it can tell what the stream is, then hands
 * them and everything after to the sink that `choose` picks. Synchronous: `choose` and the
 * sink may throw out of write() and end(). A head that arrives in pieces is copied; the usual
 * first chunk that holds it all is looked at in place.
 */
class Sniffer {
    sniffBytes;
    choose;
    head;
    headBytes = 0;
    target;
    constructor(sniffBytes, choose) {
        this.sniffBytes = sniffBytes;
        this.choose = choose;
    }
    write(chunk) {
        if (this.target)
            return this.target.write(chunk);
        if (this.headBytes === 0 && chunk.length >= this.sniffBytes) {
            this.target = this.choose(chunk);
            return this.target.write(chunk);
        }
        const head = (this.head ??= Buffer.allocUnsafe(this.sniffBytes));
        const take = Math.min(this.sniffBytes - this.headBytes, chunk.length);
        chunk.copy(head, this.headBytes, 0, take);
        this.headBytes += take;
        if (this.headBytes < this.sniffBytes)
            return true;
        const ok = this.release();
        return take === chunk.length ? ok : this.target.write(chunk.subarray(take)) && ok;
    }
    end() {
        if (!this.target)
            this.release();
        this.target.end();
    }
    once(event, listener) {
        if (this.target)
            this.target.once(event, listener);
        else
            queueMicrotask(listener);
    }
    release() {
        const head = (this.head ?? Buffer.alloc(0)).subarray(0, this.headBytes);
        this.head = undefined;
        this.target = this.choose(head);
        return head.length === 0 || this.target.write(head);
    }
}
/**
 * A Node Writable in front of a ChunkSink, for sources that pipe (readLayer's streams): the
 * write callback waits for the sink's drain, so the writable's buffer stays one chunk deep.
 */
class SinkWritable extends external_node_stream_namespaceObject.Writable {
    sink;
    constructor(sink) {
        super({ highWaterMark: 256 * 1024 });
        this.sink = sink;
    }
    _write(chunk, _encoding, callback) {
        if (this.sink.write(chunk))
            return callback();
        this.sink.once('drain', () => callback());
    }
    _final(callback) {
        this.sink.end();
        callback();
    }
}
/** Writes every chunk to two sinks; reports full until both have drained. */
class TeeSink extends external_node_events_namespaceObject.EventEmitter {
    first;
    second;
    /** The sinks that said they were full, each with one 'drain' listener. */
    full = new Set();
    constructor(first, second) {
        super();
        this.first = first;
        this.second = second;
    }
    write(chunk) {
        this.writeTo(this.first, chunk);
        this.writeTo(this.second, chunk);
        return this.full.size === 0;
    }
    writeTo(sink, chunk) {
        if (sink.write(chunk) || this.full.has(sink))
            return;
        this.full.add(sink);
        sink.once('drain', () => {
            this.full.delete(sink);
            if (this.full.size === 0)
                this.emit('drain');
        });
    }
    end() {
        this.first.end();
        this.second.end();
    }
}

;// CONCATENATED MODULE: ./src/image/layer/tar.ts
// A push-style tar reader: each chunk is parsed synchronously where it lands, and entry data is
// handed out as slices of that chunk. Nothing is allocated per entry but the header object.
//
// Why not tar-stream: it builds a streamx Readable per entry and moves every slice through its
// queues and events. Over a saved 1.2 GB image of 43k entries (outer tar and every layer tar,
// headers only), tar-stream took 1.7 s of CPU and this loop 0.75 s (`npm run bench -- --micro`,
// docs/benchmarks.md); an image is hundreds of thousands of entries. The header rules follow
// tar-stream 3.x (ustar and GNU headers, base-256 numbers, GNU long names, PAX records with
// global defaults, the same errors), so both read the same entries.
class TarError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.code = code;
        this.name = 'TarError';
    }
}
const BLOCK = 512;
/** PAX and GNU long-name records larger than this are refused (tar-stream's limit). */
const MAX_LONG_HEADER = 4 * 1024 * 1024;
const EMPTY_BLOCK_SUM = 8 * 0x20;
// Parser states (plain numbers: a hot loop compares them once per slice).
const HEADER = 0;
const DATA = 1;
const LONG_HEADER = 2;
const PADDING = 3;
class TarParser {
    onEntry;
    state = HEADER;
    block = Buffer.alloc(BLOCK);
    blockBytes = 0;
    /** Bytes of data (or of a long header) still to come in the current entry. */
    remaining = 0;
    padding = 0;
    body;
    blocked;
    long;
    gnuPath;
    gnuLinkPath;
    pax;
    paxGlobal;
    /** Bytes consumed so far. */
    offset = 0;
    constructor(onEntry) {
        this.onEntry = onEntry;
    }
    /**
     * Parses a chunk completely. Returns false when a body asked for a pause: wait for 'drain'
     * (once()) before the next write. Throws a TarError on a corrupt header.
     */
    write(chunk) {
        this.blocked = undefined;
        const n = chunk.length;
        let at = 0;
        while (at < n) {
            if (this.state === DATA)
                at = this.data(chunk, at);
            else if (this.state === HEADER)
                at = this.header(chunk, at);
            else if (this.state === PADDING)
                at = this.skipPadding(chunk, at);
            else
                at = this.longHeader(chunk, at);
        }
        this.offset += n;
        return this.blocked === undefined;
    }
    /** Throws when the stream stops inside a header, entry data or padding. */
    end() {
        if (this.state !== HEADER || this.blockBytes > 0) {
            throw new TarError('truncated', 'Unexpected end of data');
        }
    }
    once(_event, listener) {
        if (this.blocked)
            this.blocked.once('drain', listener);
        else
            queueMicrotask(listener);
    }
    data(chunk, at) {
        const take = Math.min(this.remaining, chunk.length - at);
        const body = this.body;
        if (body &&
            !body.write(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take)))
            this.blocked = body;
        this.remaining -= take;
        if (this.remaining === 0)
            this.endEntry();
        return at + take;
    }
    endEntry() {
        // An ended body never says 'drain' (Node writables do not after end()), and it finishes
        // what it holds on its own: only the next entry's body may hold the parser back.
        if (this.blocked === this.body)
            this.blocked = undefined;
        this.body?.end();
        this.body = undefined;
        this.state = this.padding > 0 ? PADDING : HEADER;
    }
    skipPadding(chunk, at) {
        const take = Math.min(this.padding, chunk.length - at);
        this.padding -= take;
        if (this.padding === 0)
            this.state = HEADER;
        return at + take;
    }
    header(chunk, at) {
        let block;
        let next;
        if (this.blockBytes === 0 && chunk.length - at >= BLOCK) {
            block = chunk;
            next = at + BLOCK;
        }
        else {
            // A header split across chunks is gathered into our own block first.
            const take = Math.min(BLOCK - this.blockBytes, chunk.length - at);
            chunk.copy(this.block, this.blockBytes, at, at + take);
            this.blockBytes += take;
            if (this.blockBytes < BLOCK)
                return at + take;
            this.blockBytes = 0;
            block = this.block;
            next = at + take;
            at = 0;
        }
        this.onHeader(block, at, this.offset + next);
        return next;
    }
    /** `b[at…at+512)` is a complete header block; `dataOffset` is where its data starts. */
    onHeader(b, at, dataOffset) {
        const sum = checksum(b, at);
        if (sum === EMPTY_BLOCK_SUM)
            return; // a zero block: end-of-archive marker or padding
        if (sum !== octal(b, at + 148, 8)) {
            throw new TarError('checksum', 'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
        }
        const ustar = isUstar(b, at);
        if (!ustar && !isGnu(b, at))
            throw new TarError('format', 'Invalid tar header: unknown format.');
        const flag = b[at + 156] === 0 ? 0 : b[at + 156] - 0x30;
        const size = octal(b, at + 124, 12);
        const longKind = LONG_KINDS.get(flag);
        if (longKind !== undefined)
            return this.startLong(longKind, size);
        const header = decode(b, at, ustar, flag, size, dataOffset);
        this.applyLong(header);
        if (!(header.size >= 0))
            throw new TarError('size', 'Invalid header');
        // tar-stream reads no data for directories, whatever their size field says.
        const dataSize = header.type === 'directory' ? 0 : header.size;
        this.body = this.onEntry(header);
        this.remaining = dataSize;
        this.padding = (BLOCK - (dataSize % BLOCK)) % BLOCK;
        if (dataSize === 0)
            this.endEntry();
        else
            this.state = DATA;
    }
    startLong(kind, size) {
        if (size > MAX_LONG_HEADER)
            throw new TarError('long-header', 'Header exceeds max size');
        if (!(size >= 0))
            throw new TarError('size', 'Invalid header');
        this.long = { kind, parts: [], size };
        this.remaining = size;
        this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
        if (size === 0)
            this.endLong();
        else
            this.state = LONG_HEADER;
    }
    longHeader(chunk, at) {
        const take = Math.min(this.remaining, chunk.length - at);
        // Copied: the chunk may be reused by its producer once write() returns.
        this.long.parts.push(Buffer.from(chunk.subarray(at, at + take)));
        this.remaining -= take;
        if (this.remaining === 0)
            this.endLong();
        return at + take;
    }
    endLong() {
        const { kind, parts } = this.long;
        this.long = undefined;
        const bytes = Buffer.concat(parts);
        if (kind === 'gnu-long-path')
            this.gnuPath = tar_text(bytes, 0, bytes.length);
        else if (kind === 'gnu-long-link-path')
            this.gnuLinkPath = tar_text(bytes, 0, bytes.length);
        else if (kind === 'pax-global-header')
            this.paxGlobal = decodePax(bytes);
        else
            this.pax = { ...this.paxGlobal, ...decodePax(bytes) };
        this.state = this.padding > 0 ? PADDING : HEADER;
    }
    applyLong(header) {
        if (this.gnuPath !== undefined)
            header.name = this.gnuPath;
        if (this.gnuLinkPath !== undefined)
            header.linkname = this.gnuLinkPath;
        this.gnuPath = this.gnuLinkPath = undefined;
        const pax = this.pax;
        if (pax === undefined)
            return;
        this.pax = undefined;
        if (pax.path)
            header.name = pax.path;
        if (pax.linkpath)
            header.linkname = pax.linkpath;
        if (pax.size)
            header.size = parseInt(pax.size, 10);
        header.pax = pax;
    }
}
function decode(b, at, ustar, flag, size, byteOffset) {
    let name = tar_text(b, at, 100);
    if (ustar && b[at + 345] !== 0)
        name = `${tar_text(b, at + 345, 155)}/${name}`;
    let type = TYPES[flag] ?? null;
    // Old tars mark directories by a trailing slash only.
    if (flag === 0 && name.endsWith('/'))
        type = 'directory';
    return {
        name,
        type,
        size,
        mode: octal(b, at + 100, 8),
        uid: octal(b, at + 108, 8),
        gid: octal(b, at + 116, 8),
        linkname: b[at + 157] === 0 ? null : tar_text(b, at + 157, 100),
        pax: null,
        byteOffset
    };
}
const TYPES = [
    'file',
    'link',
    'symlink',
    'character-device',
    'block-device',
    'directory',
    'fifo',
    'contiguous-file'
];
// Typeflags `x`, `g`, `K`, `L`, `N` as `flag - '0'`.
const LONG_KINDS = new Map([
    [72, 'pax-header'],
    [55, 'pax-global-header'],
    [27, 'gnu-long-link-path'],
    [28, 'gnu-long-path'],
    [30, 'gnu-long-path']
]);
function checksum(b, at) {
    let sum = EMPTY_BLOCK_SUM;
    for (let i = at; i < at + 148; i++)
        sum += b[i];
    for (let i = at + 156; i < at + BLOCK; i++)
        sum += b[i];
    return sum;
}
/** A NUL-terminated UTF-8 field. */
function tar_text(b, at, length) {
    let end = at;
    const limit = at + length;
    while (end < limit && b[end] !== 0)
        end++;
    return b.toString('utf8', at, end);
}
/**
 * A numeric field: octal digits (leading spaces and NULs skipped, stopping at the first other
 * byte) or, with the high bit set, base-256. NaN when there are no digits to read.
 */
function octal(b, at, length) {
    if (b[at] & 0x80)
        return base256(b, at, length);
    const end = at + length;
    let i = at;
    while (i < end && b[i] === 0x20)
        i++;
    let stop = i;
    while (stop < end && b[stop] !== 0x20)
        stop++;
    while (i < stop && b[i] === 0)
        i++;
    if (i === stop)
        return 0;
    let value = NaN;
    for (; i < stop; i++) {
        const digit = b[i] - 0x30;
        if (digit < 0 || digit > 7)
            break;
        value = (value || 0) * 8 + digit;
    }
    return value;
}
function base256(b, at, length) {
    const positive = b[at] === 0x80;
    if (!positive && b[at] !== 0xff)
        return NaN;
    let sum = 0;
    for (let i = at + 1; i < at + length; i++)
        sum = sum * 256 + (positive ? b[i] : 0xff - b[i]);
    return positive ? sum : -sum;
}
// The magic field at offset 257: `ustar\0` (POSIX) or `ustar  \0` (old GNU).
const tar_USTAR = Buffer.from('ustar\0', 'latin1');
const GNU = Buffer.from('ustar  \0', 'latin1');
function isUstar(b, at) {
    return b.compare(tar_USTAR, 0, tar_USTAR.length, at + 257, at + 257 + tar_USTAR.length) === 0;
}
function isGnu(b, at) {
    return b.compare(GNU, 0, GNU.length, at + 257, at + 257 + GNU.length) === 0;
}
/** PAX records: `<length> <key>=<value>\n`, as tar-stream reads them. */
function decodePax(buf) {
    const result = {};
    while (buf.length) {
        let i = 0;
        while (i < buf.length && buf[i] !== 0x20)
            i++;
        const len = parseInt(buf.toString('utf8', 0, i), 10);
        if (!len)
            return result;
        const record = buf.toString('utf8', i + 1, len - 1);
        const eq = record.indexOf('=');
        if (eq === -1)
            return result;
        result[record.slice(0, eq)] = record.slice(eq + 1);
        buf = buf.subarray(len);
    }
    return result;
}

;// CONCATENATED MODULE: ./src/image/layer/read-layer.ts
// Reads one layer blob in a single streaming pass: sniff the compression, decompress, parse the
// tar, hash every regular file. Nothing is buffered beyond a chunk in flight. An uncompressed
// layer (docker save's layer.tar) is parsed and hashed synchronously, in the write() call that
// brings its bytes: no stream objects, events or promises per entry.










const DEFAULT_MAX_ENTRIES = 5_000_000;
const DEFAULT_MAX_PATH_LENGTH = 4096;
/** Kept content per layer read: a hostile layer cannot make us hold more than this. */
const MAX_KEPT_CONTENT_BYTES = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);
/**
 * A file's body when more than its hash is wanted: the kept content, and an ELF probe made
 * only when the first bytes are ELF's magic (one object per file; most files are not ELF).
 */
class FileWatch {
    hasher;
    entry;
    keep;
    contents;
    elf;
    probe;
    /** Bytes seen before the first four arrived (usually empty: a chunk holds more). */
    head = EMPTY;
    constructor(hasher, entry, keep, contents, elf) {
        this.hasher = hasher;
        this.entry = entry;
        this.keep = keep;
        this.contents = contents;
        this.elf = elf;
    }
    write(chunk) {
        if (this.head !== undefined) {
            // The magic is 4 bytes: a first chunk shorter than that waits for the next one. The usual
            // first chunk is looked at in place (copying it would copy most small files whole).
            const head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
            if (head.length < 4 && head.length < this.entry.size)
                this.head = Buffer.from(head);
            else {
                this.head = undefined;
                if (this.entry.size >= ELF_MIN_BYTES && isElfMagic(head)) {
                    this.probe = new ElfProbe(this.entry.size);
                    this.probe.write(head);
                }
            }
        }
        else
            this.probe?.write(chunk);
        return this.hasher.write(chunk);
    }
    end() {
        this.hasher.end();
        if (this.keep)
            this.contents.set(this.entry.path, Buffer.concat(this.keep));
        const info = this.probe?.finish();
        if (info)
            this.elf.set(this.entry.path, info);
    }
    once() { }
}
/** Reads one layer blob (tar, tar+gzip or tar+zstd). On failure the stream is destroyed. */
function readLayer(stream, opts = {}) {
    return readLayerFrom(readableSource(stream), opts);
}
/** readLayer for any ByteSource (e.g. fileSource). On failure the source is destroyed. */
function readLayerFrom(source, opts = {}) {
    const parser = new LayerParser(opts);
    source.pushTo(parser, err => parser.abort(`cannot read the blob: ${err.message}`));
    return parser.result.catch((err) => {
        source.destroy();
        throw err;
    });
}
/**
 * The writable end of a layer read: write the blob (write/end, or pipe into `input`), await
 * `result`. write() never throws: a failure settles `result`, and the rest of the blob is
 * swallowed, so the archive reader can go on past a broken blob it may not need.
 */
class LayerParser extends external_node_events_namespaceObject.EventEmitter {
    opts;
    result;
    settle;
    done = false;
    /** A 'drain' listener is set on the sink below (one at a time, however many writes came). */
    waiting = false;
    label;
    maxEntries;
    maxPathLength;
    entries = [];
    sniffer;
    scratch = scratchBuffer();
    compression = 'none';
    blobBytes = 0;
    tarBytes = 0;
    count = 0;
    skipped = 0;
    lastPath;
    dataEnd = 0; // end of the last entry's data, to notice a missing end-of-archive marker
    pending = 1; // the tar parse, plus the gzip estimate when asked for
    estimatedGzipBytes;
    contents = new Map();
    elf = new Map();
    keptBytes = 0;
    /** Everything this read created, destroyed together when it fails. */
    parts = [];
    constructor(opts) {
        super();
        this.opts = opts;
        this.label = layerLabel(opts.name);
        this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
        this.maxPathLength = opts.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH;
        this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
        this.sniffer = new Sniffer(SNIFF_BYTES, head => this.start(head));
    }
    /** A Node Writable over this parser, for callers that pipe (made on demand: most don't). */
    get input() {
        return (this.writable ??= new SinkWritable(this));
    }
    writable;
    write(chunk) {
        if (this.done)
            return true;
        this.blobBytes += chunk.length;
        this.opts.onProgress?.(this.blobBytes);
        try {
            if (this.sniffer.write(chunk))
                return true;
        }
        catch (err) {
            this.failWith(err);
            return true;
        }
        if (!this.waiting) {
            this.waiting = true;
            this.sniffer.once('drain', () => {
                this.waiting = false;
                this.emit('drain');
            });
        }
        return false;
    }
    end() {
        if (this.done)
            return;
        try {
            this.sniffer.end();
        }
        catch (err) {
            this.failWith(err);
        }
    }
    /** Stops the read with `layer <name>: <detail>`. */
    abort(detail) {
        this.fail(this.error(detail));
    }
    start(head) {
        const kind = sniffCompression(head);
        if (kind === 'unknown') {
            throw this.error(`is not a tar, gzip or zstd stream (${describeHead(head)})`);
        }
        this.compression = kind;
        const tar = this.tarInput();
        if (kind === 'none')
            return this.opts.estimateCompressed ? this.withEstimate(tar) : tar;
        const decompressor = createDecompressor(kind);
        decompressor.on('error', err => this.fail(this.error(explainDecompressError(err, kind))));
        const output = guard(tar, err => this.failWith(err));
        feed(decompressor, output, chunk => (this.tarBytes += chunk.length));
        this.parts.push(decompressor);
        return this.opts.ownedChunks ? decompressor : copying(decompressor);
    }
    /** The tar parser as a sink whose end() also completes the read. */
    tarInput() {
        const parser = new TarParser(header => this.onEntry(header));
        return {
            write: chunk => parser.write(chunk),
            end: () => {
                parser.end();
                this.partDone();
            },
            once: (event, listener) => parser.once(event, listener)
        };
    }
    // Registry size of an uncompressed layer is unknown; gzip it on the thread pool to estimate.
    withEstimate(tar) {
        this.pending++;
        let bytes = 0;
        const gzip = external_node_zlib_namespaceObject.createGzip({ chunkSize: 128 * 1024 });
        gzip.on('data', (chunk) => (bytes += chunk.length));
        gzip.on('error', err => this.fail(this.error(`cannot estimate the gzip size: ${err.message}`)));
        gzip.on('end', () => {
            this.estimatedGzipBytes = bytes;
            this.partDone();
        });
        this.parts.push(gzip);
        return new TeeSink(tar, copying(gzip));
    }
    onEntry(header) {
        if (++this.count > this.maxEntries)
            throw this.tooManyEntries();
        const size = header.type === 'directory' ? 0 : header.size;
        this.dataEnd = header.byteOffset + size + ((512 - (size % 512)) % 512);
        const result = toLayerEntry(header);
        if ('skip' in result) {
            this.skip(result.skip);
            return undefined;
        }
        const entry = result.entry;
        if (entry.path.length > this.maxPathLength)
            throw this.pathTooLong(entry.path);
        this.entries.push(entry);
        this.lastPath = entry.path;
        return entry.kind === 'file' ? this.hasher(entry) : undefined;
    }
    // The one place file content is touched: it streams through the hash once.
    hasher(entry) {
        if (entry.size === 0) {
            entry.hash = EMPTY_FILE_HASH;
            return undefined;
        }
        const keeps = this.keeps(entry.path, entry.size);
        const keep = keeps ? [] : undefined;
        const hasher = new FileHasher(entry, this.scratch, keep);
        if (!keeps && entry.size < ELF_MIN_BYTES)
            return hasher;
        return new FileWatch(hasher, entry, keep, this.contents, this.elf);
    }
    keeps(path, size) {
        if (!this.opts.wantContent?.(path, size))
            return false;
        if (this.keptBytes + size > MAX_KEPT_CONTENT_BYTES) {
            this.warn(`not reading ${path}: over ${MAX_KEPT_CONTENT_BYTES} bytes of package databases`);
            return false;
        }
        this.keptBytes += size;
        return true;
    }
    partDone() {
        if (--this.pending === 0)
            this.finish();
    }
    finish() {
        const tarBytes = this.compression === 'none' ? this.blobBytes : this.tarBytes;
        if (this.count > 0 && tarBytes <= this.dataEnd) {
            this.warn('the tar stream has no end-of-archive marker; the blob may be truncated');
        }
        const read = {
            entries: this.entries,
            tarBytes,
            blobBytes: this.blobBytes,
            compression: this.compression
        };
        if (this.skipped > 0)
            read.skippedEntries = this.skipped;
        if (this.estimatedGzipBytes !== undefined)
            read.estimatedGzipBytes = this.estimatedGzipBytes;
        if (this.contents.size > 0)
            read.contents = this.contents;
        if (this.elf.size > 0)
            read.elf = this.elf;
        this.succeed(read);
    }
    skip(reason) {
        this.skipped++;
        this.warn(`skipped ${reason}`);
    }
    warn(message) {
        // Names from the archive are in it: one clean line, whatever they hold.
        this.opts.onWarning?.(errors_oneLine(`${this.label}: ${message}`));
    }
    succeed(read) {
        if (this.done)
            return;
        this.done = true;
        this.settle.resolve(read);
        // A compressed stream can end before its blob does (trailing bytes after the last gzip
        // member): a writer told to wait for a decompressor that is finished would wait forever.
        this.emit('drain');
    }
    fail(err) {
        if (this.done)
            return;
        this.done = true;
        this.settle.reject(err);
        for (const part of this.parts)
            part.destroy();
        this.emit('drain'); // a writer waiting on a decompressor that is gone
    }
    /** Errors thrown by the tar parser get the layer's name and the parser's position. */
    failWith(err) {
        if (err instanceof TarError)
            this.fail(this.error(explainTarError(err, this.where())));
        else
            this.fail(err);
    }
    where() {
        return position(this.lastPath, this.count);
    }
    error(detail) {
        return new Error(`${this.label}: ${detail}`);
    }
    tooManyEntries() {
        return this.error(`has more than ${this.maxEntries} entries, the limit; raise it with --max-entries (CLI) or the max-entries input`);
    }
    pathTooLong(path) {
        return this.error(`has an entry path of ${path.length} characters ("${path.slice(0, 60)}…"), over the limit of ${this.maxPathLength}; ` +
            'raise it with --max-path-length (CLI) or the max-path-length input');
    }
}

;// CONCATENATED MODULE: ./src/image/registry/verified-source.ts
// A blob body as a ByteSource that checks the bytes against the descriptor's digest and size as
// they stream: the reader's result settles only after the last byte was verified, so a layer
// whose bytes were swapped or cut short is an error, never a wrong report.


function verifiedSource(body, digest, size, what) {
    const inner = streams_readableSource(body);
    const [algorithm, expected] = digest.split(':');
    const hash = (0,external_node_crypto_namespaceObject.createHash)(algorithm);
    let bytes = 0;
    let ended = false;
    let stopped = false; // the reader gave up: keep hashing, pass nothing on
    let mismatch;
    let onEnd;
    const check = () => {
        const actual = hash.digest('hex');
        if (actual !== expected)
            return new Error(`${what} does not match its digest ${digest}: the registry sent ${bytes} bytes hashing to ${algorithm}:${actual}`);
        if (size !== undefined && bytes !== size)
            return new Error(`${what} is ${bytes} bytes, not the ${size} its descriptor says`);
        return undefined;
    };
    return {
        pushTo: (sink, onError) => {
            let failed = false;
            const fail = (err) => {
                if (failed)
                    return;
                failed = true;
                mismatch = err;
                onError(err);
            };
            const checked = {
                write: chunk => {
                    if (failed)
                        return true;
                    hash.update(chunk);
                    bytes += chunk.length;
                    if (size !== undefined && bytes > size) {
                        fail(new Error(`${what} is longer than the ${size} bytes its descriptor says`));
                        return true;
                    }
                    return stopped ? true : sink.write(chunk);
                },
                end: () => {
                    if (failed)
                        return;
                    ended = true;
                    mismatch = check();
                    if (onEnd)
                        onEnd();
                    else if (mismatch)
                        fail(mismatch);
                    else
                        sink.end();
                },
                once: (event, listener) => sink.once(event, listener)
            };
            inner.pushTo(checked, err => fail(new Error(`${what}: the download failed: ${err.message}`)));
        },
        destroy: () => {
            stopped = true;
        },
        digestError: async (maxBytes) => {
            if (ended || mismatch) {
                if (!ended)
                    inner.destroy();
                return mismatch;
            }
            const left = size === undefined ? Infinity : size - bytes;
            if (left > maxBytes) {
                inner.destroy();
                return undefined;
            }
            stopped = true;
            body.resume();
            await new Promise(resolve => {
                onEnd = resolve;
                body.once('error', () => resolve());
                body.once('close', () => resolve());
            });
            inner.destroy();
            return ended ? mismatch : undefined;
        }
    };
}
/** Checks a whole small blob (manifest, config) against its digest. */
function checkBlobDigest(bytes, digest, what) {
    const [algorithm, expected] = digest.split(':');
    const actual = createHash(algorithm).update(bytes).digest('hex');
    if (actual !== expected)
        throw new Error(`${what} does not match its digest ${digest}: the registry sent bytes hashing to ${algorithm}:${actual}`);
}

;// CONCATENATED MODULE: ./src/image/registry/blob-layer.ts
// One layer blob from a registry, downloaded and read once: its bytes are checked against the
// descriptor's digest and size as they stream through the layer reader. The same function runs
// on the main thread and in a layer thread (threads.ts), so both give the same result and the
// same errors.


/** After a failed layer read, at most this much more is downloaded to tell corrupt bytes apart. */
const VERIFY_AFTER_FAILURE_BYTES = 256 * 1024 * 1024;
/**
 * Downloads the blob and reads it. `options.name` names the layer in messages. A blob that is
 * not its digest fails as such, even when its bytes also broke the tar: corrupt bytes explain
 * a broken tar better than the tar error does.
 */
async function readBlobLayer(client, job, options) {
    const what = `layer ${job.digest}`;
    const answer = await client.openBlob(job.digest, what);
    const source = verifiedSource(answer.body, job.digest, job.size, `${client.label}: ${what}`);
    // the body's pieces are fresh buffers (stream-get.ts): the decompressor may keep them
    return readLayerFrom(source, { ...options, ownedChunks: true }).catch(async (err) => {
        throw (await source.digestError(VERIFY_AFTER_FAILURE_BYTES)) ?? err;
    });
}

;// CONCATENATED MODULE: ./src/errors.ts
// Turns anything thrown into the one line a person reads in the log: never a stack trace.
function errorMessage(e) {
    if (e instanceof Error)
        return e.message.trim() || e.name;
    return String(e);
}
/** An error in what the user asked for (bad input, missing image): CLI exit code 2. */
class errors_UsageError extends Error {
    name = 'UsageError';
}
/** How a message names an input: `input \`max-increase\`` (action), `--max-increase` (the CLI passes that). */
function inputLabel(name) {
    return name.startsWith('--') ? name : `input \`${name}\``;
}

;// CONCATENATED MODULE: ./src/image/registry/challenge.ts
// `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (RFC 7235 auth-params), parsed.
// Pure.
/** The challenges of one header value; quoted values may hold commas. */
function parseChallenges(header) {
    if (!header)
        return [];
    const out = [];
    const re = /\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)(?:\s+|$)|\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*,?/gy;
    let m;
    let current;
    while (re.lastIndex < header.length && (m = re.exec(header)) !== null) {
        if (m[0] === '')
            break;
        if (m[1] !== undefined) {
            current = { scheme: m[1].toLowerCase(), params: {} };
            out.push(current);
        }
        else if (current && m[2] !== undefined) {
            const value = m[4] !== undefined ? m[4].replace(/\\(.)/g, '$1') : (m[3] ?? '');
            current.params[m[2].toLowerCase()] = value;
        }
    }
    return out;
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "string_decoder"
const external_string_decoder_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");
;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: external "events"
const external_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");
;// CONCATENATED MODULE: external "child_process"
const external_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
;// CONCATENATED MODULE: external "assert"
const external_assert_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ./node_modules/@actions/io/lib/io-util.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { chmod, copyFile, lstat, mkdir, open: io_util_open, readdir, rename, rm, rmdir, stat, symlink, unlink } = external_fs_namespaceObject.promises;
// export const {open} = 'fs'
const IS_WINDOWS = process.platform === 'win32';
/**
 * Custom implementation of readlink to ensure Windows junctions
 * maintain trailing backslash for backward compatibility with Node.js < 24
 *
 * In Node.js 20, Windows junctions (directory symlinks) always returned paths
 * with trailing backslashes. Node.js 24 removed this behavior, which breaks
 * code that relied on this format for path operations.
 *
 * This implementation restores the Node 20 behavior by adding a trailing
 * backslash to all junction results on Windows.
 */
function readlink(fsPath) {
    return __awaiter(this, void 0, void 0, function* () {
        const result = yield fs.promises.readlink(fsPath);
        // On Windows, restore Node 20 behavior: add trailing backslash to all results
        // since junctions on Windows are always directory links
        if (IS_WINDOWS && !result.endsWith('\\')) {
            return `${result}\\`;
        }
        return result;
    });
}
// See https://github.com/nodejs/node/blob/d0153aee367422d0858105abec186da4dff0a0c5/deps/uv/include/uv/win.h#L691
const UV_FS_O_EXLOCK = 0x10000000;
const READONLY = external_fs_namespaceObject.constants.O_RDONLY;
function exists(fsPath) {
    return __awaiter(this, void 0, void 0, function* () {
        try {
            yield stat(fsPath);
        }
        catch (err) {
            if (err.code === 'ENOENT') {
                return false;
            }
            throw err;
        }
        return true;
    });
}
function isDirectory(fsPath_1) {
    return __awaiter(this, arguments, void 0, function* (fsPath, useStat = false) {
        const stats = useStat ? yield stat(fsPath) : yield lstat(fsPath);
        return stats.isDirectory();
    });
}
/**
 * On OSX/Linux, true if path starts with '/'. On Windows, true for paths like:
 * \, \hello, \\hello\share, C:, and C:\hello (and corresponding alternate separator cases).
 */
function isRooted(p) {
    p = normalizeSeparators(p);
    if (!p) {
        throw new Error('isRooted() parameter "p" cannot be empty');
    }
    if (IS_WINDOWS) {
        return (p.startsWith('\\') || /^[A-Z]:/i.test(p) // e.g. \ or \hello or \\hello
        ); // e.g. C: or C:\hello
    }
    return p.startsWith('/');
}
/**
 * Best effort attempt to determine whether a file exists and is executable.
 * @param filePath    file path to check
 * @param extensions  additional file extensions to try
 * @return if file exists and is executable, returns the file path. otherwise empty string.
 */
function tryGetExecutablePath(filePath, extensions) {
    return __awaiter(this, void 0, void 0, function* () {
        let stats = undefined;
        try {
            // test file exists
            stats = yield stat(filePath);
        }
        catch (err) {
            if (err.code !== 'ENOENT') {
                // eslint-disable-next-line no-console
                console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
            }
        }
        if (stats && stats.isFile()) {
            if (IS_WINDOWS) {
                // on Windows, test for valid extension
                const upperExt = external_path_namespaceObject.extname(filePath).toUpperCase();
                if (extensions.some(validExt => validExt.toUpperCase() === upperExt)) {
                    return filePath;
                }
            }
            else {
                if (isUnixExecutable(stats)) {
                    return filePath;
                }
            }
        }
        // try each extension
        const originalFilePath = filePath;
        for (const extension of extensions) {
            filePath = originalFilePath + extension;
            stats = undefined;
            try {
                stats = yield stat(filePath);
            }
            catch (err) {
                if (err.code !== 'ENOENT') {
                    // eslint-disable-next-line no-console
                    console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
                }
            }
            if (stats && stats.isFile()) {
                if (IS_WINDOWS) {
                    // preserve the case of the actual file (since an extension was appended)
                    try {
                        const directory = external_path_namespaceObject.dirname(filePath);
                        const upperName = external_path_namespaceObject.basename(filePath).toUpperCase();
                        for (const actualName of yield readdir(directory)) {
                            if (upperName === actualName.toUpperCase()) {
                                filePath = external_path_namespaceObject.join(directory, actualName);
                                break;
                            }
                        }
                    }
                    catch (err) {
                        // eslint-disable-next-line no-console
                        console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
                    }
                    return filePath;
                }
                else {
                    if (isUnixExecutable(stats)) {
                        return filePath;
                    }
                }
            }
        }
        return '';
    });
}
function normalizeSeparators(p) {
    p = p || '';
    if (IS_WINDOWS) {
        // convert slashes on Windows
        p = p.replace(/\//g, '\\');
        // remove redundant slashes
        return p.replace(/\\\\+/g, '\\');
    }
    // remove redundant slashes
    return p.replace(/\/\/+/g, '/');
}
// on Mac/Linux, test the execute bit
//     R   W  X  R  W X R W X
//   256 128 64 32 16 8 4 2 1
function isUnixExecutable(stats) {
    return ((stats.mode & 1) > 0 ||
        ((stats.mode & 8) > 0 &&
            process.getgid !== undefined &&
            stats.gid === process.getgid()) ||
        ((stats.mode & 64) > 0 &&
            process.getuid !== undefined &&
            stats.uid === process.getuid()));
}
// Get the path of cmd.exe in windows
function getCmdPath() {
    var _a;
    return (_a = process.env['COMSPEC']) !== null && _a !== void 0 ? _a : `cmd.exe`;
}
//# sourceMappingURL=io-util.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/io/lib/io.js
var io_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



/**
 * Copies a file or folder.
 * Based off of shelljs - https://github.com/shelljs/shelljs/blob/9237f66c52e5daa40458f94f9565e18e8132f5a6/src/cp.js
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See CopyOptions.
 */
function cp(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        const { force, recursive, copySourceDirectory } = readCopyOptions(options);
        const destStat = (yield ioUtil.exists(dest)) ? yield ioUtil.stat(dest) : null;
        // Dest is an existing file, but not forcing
        if (destStat && destStat.isFile() && !force) {
            return;
        }
        // If dest is an existing directory, should copy inside.
        const newDest = destStat && destStat.isDirectory() && copySourceDirectory
            ? path.join(dest, path.basename(source))
            : dest;
        if (!(yield ioUtil.exists(source))) {
            throw new Error(`no such file or directory: ${source}`);
        }
        const sourceStat = yield ioUtil.stat(source);
        if (sourceStat.isDirectory()) {
            if (!recursive) {
                throw new Error(`Failed to copy. ${source} is a directory, but tried to copy without recursive flag.`);
            }
            else {
                yield cpDirRecursive(source, newDest, 0, force);
            }
        }
        else {
            if (path.relative(source, newDest) === '') {
                // a file cannot be copied to itself
                throw new Error(`'${newDest}' and '${source}' are the same file`);
            }
            yield io_copyFile(source, newDest, force);
        }
    });
}
/**
 * Moves a path.
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See MoveOptions.
 */
function mv(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        if (yield ioUtil.exists(dest)) {
            let destExists = true;
            if (yield ioUtil.isDirectory(dest)) {
                // If dest is directory copy src into dest
                dest = path.join(dest, path.basename(source));
                destExists = yield ioUtil.exists(dest);
            }
            if (destExists) {
                if (options.force == null || options.force) {
                    yield rmRF(dest);
                }
                else {
                    throw new Error('Destination already exists');
                }
            }
        }
        yield mkdirP(path.dirname(dest));
        yield ioUtil.rename(source, dest);
    });
}
/**
 * Remove a path recursively with force
 *
 * @param inputPath path to remove
 */
function rmRF(inputPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (ioUtil.IS_WINDOWS) {
            // Check for invalid characters
            // https://docs.microsoft.com/en-us/windows/win32/fileio/naming-a-file
            if (/[*"<>|]/.test(inputPath)) {
                throw new Error('File path must not contain `*`, `"`, `<`, `>` or `|` on Windows');
            }
        }
        try {
            // note if path does not exist, error is silent
            yield ioUtil.rm(inputPath, {
                force: true,
                maxRetries: 3,
                recursive: true,
                retryDelay: 300
            });
        }
        catch (err) {
            throw new Error(`File was unable to be removed ${err}`);
        }
    });
}
/**
 * Make a directory.  Creates the full path with folders in between
 * Will throw if it fails
 *
 * @param   fsPath        path to create
 * @returns Promise<void>
 */
function mkdirP(fsPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        ok(fsPath, 'a path argument must be provided');
        yield ioUtil.mkdir(fsPath, { recursive: true });
    });
}
/**
 * Returns path of a tool had the tool actually been invoked.  Resolves via paths.
 * If you check and the tool does not exist, it will throw.
 *
 * @param     tool              name of the tool
 * @param     check             whether to check if tool exists
 * @returns   Promise<string>   path to tool
 */
function which(tool, check) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // recursive when check=true
        if (check) {
            const result = yield which(tool, false);
            if (!result) {
                if (IS_WINDOWS) {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
                }
                else {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
                }
            }
            return result;
        }
        const matches = yield findInPath(tool);
        if (matches && matches.length > 0) {
            return matches[0];
        }
        return '';
    });
}
/**
 * Returns a list of all occurrences of the given tool on the system path.
 *
 * @returns   Promise<string[]>  the paths of the tool
 */
function findInPath(tool) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // build the list of extensions to try
        const extensions = [];
        if (IS_WINDOWS && process.env['PATHEXT']) {
            for (const extension of process.env['PATHEXT'].split(external_path_namespaceObject.delimiter)) {
                if (extension) {
                    extensions.push(extension);
                }
            }
        }
        // if it's rooted, return it if exists. otherwise return empty.
        if (isRooted(tool)) {
            const filePath = yield tryGetExecutablePath(tool, extensions);
            if (filePath) {
                return [filePath];
            }
            return [];
        }
        // if any path separators, return empty
        if (tool.includes(external_path_namespaceObject.sep)) {
            return [];
        }
        // build the list of directories
        //
        // Note, technically "where" checks the current directory on Windows. From a toolkit perspective,
        // it feels like we should not do this. Checking the current directory seems like more of a use
        // case of a shell, and the which() function exposed by the toolkit should strive for consistency
        // across platforms.
        const directories = [];
        if (process.env.PATH) {
            for (const p of process.env.PATH.split(external_path_namespaceObject.delimiter)) {
                if (p) {
                    directories.push(p);
                }
            }
        }
        // find all matches
        const matches = [];
        for (const directory of directories) {
            const filePath = yield tryGetExecutablePath(external_path_namespaceObject.join(directory, tool), extensions);
            if (filePath) {
                matches.push(filePath);
            }
        }
        return matches;
    });
}
function readCopyOptions(options) {
    const force = options.force == null ? true : options.force;
    const recursive = Boolean(options.recursive);
    const copySourceDirectory = options.copySourceDirectory == null
        ? true
        : Boolean(options.copySourceDirectory);
    return { force, recursive, copySourceDirectory };
}
function cpDirRecursive(sourceDir, destDir, currentDepth, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        // Ensure there is not a run away recursive copy
        if (currentDepth >= 255)
            return;
        currentDepth++;
        yield mkdirP(destDir);
        const files = yield ioUtil.readdir(sourceDir);
        for (const fileName of files) {
            const srcFile = `${sourceDir}/${fileName}`;
            const destFile = `${destDir}/${fileName}`;
            const srcFileStat = yield ioUtil.lstat(srcFile);
            if (srcFileStat.isDirectory()) {
                // Recurse
                yield cpDirRecursive(srcFile, destFile, currentDepth, force);
            }
            else {
                yield io_copyFile(srcFile, destFile, force);
            }
        }
        // Change the mode for the newly created directory
        yield ioUtil.chmod(destDir, (yield ioUtil.stat(sourceDir)).mode);
    });
}
// Buffered file copy
function io_copyFile(srcFile, destFile, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        if ((yield ioUtil.lstat(srcFile)).isSymbolicLink()) {
            // unlink/re-link it
            try {
                yield ioUtil.lstat(destFile);
                yield ioUtil.unlink(destFile);
            }
            catch (e) {
                // Try to override file permission
                if (e.code === 'EPERM') {
                    yield ioUtil.chmod(destFile, '0666');
                    yield ioUtil.unlink(destFile);
                }
                // other errors = it doesn't exist, no work to do
            }
            // Copy over symlink
            const symlinkFull = yield ioUtil.readlink(srcFile);
            yield ioUtil.symlink(symlinkFull, destFile, ioUtil.IS_WINDOWS ? 'junction' : null);
        }
        else if (!(yield ioUtil.exists(destFile)) || force) {
            yield ioUtil.copyFile(srcFile, destFile);
        }
    });
}
//# sourceMappingURL=io.js.map
;// CONCATENATED MODULE: external "timers"
const external_timers_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/toolrunner.js
var toolrunner_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};







/* eslint-disable @typescript-eslint/unbound-method */
const toolrunner_IS_WINDOWS = process.platform === 'win32';
/*
 * Class for running command line tools. Handles quoting and arg parsing in a platform agnostic way.
 */
class ToolRunner extends external_events_namespaceObject.EventEmitter {
    constructor(toolPath, args, options) {
        super();
        if (!toolPath) {
            throw new Error("Parameter 'toolPath' cannot be null or empty.");
        }
        this.toolPath = toolPath;
        this.args = args || [];
        this.options = options || {};
    }
    _debug(message) {
        if (this.options.listeners && this.options.listeners.debug) {
            this.options.listeners.debug(message);
        }
    }
    _getCommandString(options, noPrefix) {
        const toolPath = this._getSpawnFileName();
        const args = this._getSpawnArgs(options);
        let cmd = noPrefix ? '' : '[command]'; // omit prefix when piped to a second tool
        if (toolrunner_IS_WINDOWS) {
            // Windows + cmd file
            if (this._isCmdFile()) {
                cmd += toolPath;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows + verbatim
            else if (options.windowsVerbatimArguments) {
                cmd += `"${toolPath}"`;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows (regular)
            else {
                cmd += this._windowsQuoteCmdArg(toolPath);
                for (const a of args) {
                    cmd += ` ${this._windowsQuoteCmdArg(a)}`;
                }
            }
        }
        else {
            // OSX/Linux - this can likely be improved with some form of quoting.
            // creating processes on Unix is fundamentally different than Windows.
            // on Unix, execvp() takes an arg array.
            cmd += toolPath;
            for (const a of args) {
                cmd += ` ${a}`;
            }
        }
        return cmd;
    }
    _processLineBuffer(data, strBuffer, onLine) {
        try {
            let s = strBuffer + data.toString();
            let n = s.indexOf(external_os_namespaceObject.EOL);
            while (n > -1) {
                const line = s.substring(0, n);
                onLine(line);
                // the rest of the string ...
                s = s.substring(n + external_os_namespaceObject.EOL.length);
                n = s.indexOf(external_os_namespaceObject.EOL);
            }
            return s;
        }
        catch (err) {
            // streaming lines to console is best effort.  Don't fail a build.
            this._debug(`error processing line. Failed with error ${err}`);
            return '';
        }
    }
    _getSpawnFileName() {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                return process.env['COMSPEC'] || 'cmd.exe';
            }
        }
        return this.toolPath;
    }
    _getSpawnArgs(options) {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                let argline = `/D /S /C "${this._windowsQuoteCmdArg(this.toolPath)}`;
                for (const a of this.args) {
                    argline += ' ';
                    argline += options.windowsVerbatimArguments
                        ? a
                        : this._windowsQuoteCmdArg(a);
                }
                argline += '"';
                return [argline];
            }
        }
        return this.args;
    }
    _endsWith(str, end) {
        return str.endsWith(end);
    }
    _isCmdFile() {
        const upperToolPath = this.toolPath.toUpperCase();
        return (this._endsWith(upperToolPath, '.CMD') ||
            this._endsWith(upperToolPath, '.BAT'));
    }
    _windowsQuoteCmdArg(arg) {
        // for .exe, apply the normal quoting rules that libuv applies
        if (!this._isCmdFile()) {
            return this._uvQuoteCmdArg(arg);
        }
        // otherwise apply quoting rules specific to the cmd.exe command line parser.
        // the libuv rules are generic and are not designed specifically for cmd.exe
        // command line parser.
        //
        // for a detailed description of the cmd.exe command line parser, refer to
        // http://stackoverflow.com/questions/4094699/how-does-the-windows-command-interpreter-cmd-exe-parse-scripts/7970912#7970912
        // need quotes for empty arg
        if (!arg) {
            return '""';
        }
        // determine whether the arg needs to be quoted
        const cmdSpecialChars = [
            ' ',
            '\t',
            '&',
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '^',
            '=',
            ';',
            '!',
            "'",
            '+',
            ',',
            '`',
            '~',
            '|',
            '<',
            '>',
            '"'
        ];
        let needsQuotes = false;
        for (const char of arg) {
            if (cmdSpecialChars.some(x => x === char)) {
                needsQuotes = true;
                break;
            }
        }
        // short-circuit if quotes not needed
        if (!needsQuotes) {
            return arg;
        }
        // the following quoting rules are very similar to the rules that by libuv applies.
        //
        // 1) wrap the string in quotes
        //
        // 2) double-up quotes - i.e. " => ""
        //
        //    this is different from the libuv quoting rules. libuv replaces " with \", which unfortunately
        //    doesn't work well with a cmd.exe command line.
        //
        //    note, replacing " with "" also works well if the arg is passed to a downstream .NET console app.
        //    for example, the command line:
        //          foo.exe "myarg:""my val"""
        //    is parsed by a .NET console app into an arg array:
        //          [ "myarg:\"my val\"" ]
        //    which is the same end result when applying libuv quoting rules. although the actual
        //    command line from libuv quoting rules would look like:
        //          foo.exe "myarg:\"my val\""
        //
        // 3) double-up slashes that precede a quote,
        //    e.g.  hello \world    => "hello \world"
        //          hello\"world    => "hello\\""world"
        //          hello\\"world   => "hello\\\\""world"
        //          hello world\    => "hello world\\"
        //
        //    technically this is not required for a cmd.exe command line, or the batch argument parser.
        //    the reasons for including this as a .cmd quoting rule are:
        //
        //    a) this is optimized for the scenario where the argument is passed from the .cmd file to an
        //       external program. many programs (e.g. .NET console apps) rely on the slash-doubling rule.
        //
        //    b) it's what we've been doing previously (by deferring to node default behavior) and we
        //       haven't heard any complaints about that aspect.
        //
        // note, a weakness of the quoting rules chosen here, is that % is not escaped. in fact, % cannot be
        // escaped when used on the command line directly - even though within a .cmd file % can be escaped
        // by using %%.
        //
        // the saving grace is, on the command line, %var% is left as-is if var is not defined. this contrasts
        // the line parsing rules within a .cmd file, where if var is not defined it is replaced with nothing.
        //
        // one option that was explored was replacing % with ^% - i.e. %var% => ^%var^%. this hack would
        // often work, since it is unlikely that var^ would exist, and the ^ character is removed when the
        // variable is used. the problem, however, is that ^ is not removed when %* is used to pass the args
        // to an external program.
        //
        // an unexplored potential solution for the % escaping problem, is to create a wrapper .cmd file.
        // % can be escaped within a .cmd file.
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\'; // double the slash
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '"'; // double the quote
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _uvQuoteCmdArg(arg) {
        // Tool runner wraps child_process.spawn() and needs to apply the same quoting as
        // Node in certain cases where the undocumented spawn option windowsVerbatimArguments
        // is used.
        //
        // Since this function is a port of quote_cmd_arg from Node 4.x (technically, lib UV,
        // see https://github.com/nodejs/node/blob/v4.x/deps/uv/src/win/process.c for details),
        // pasting copyright notice from Node within this function:
        //
        //      Copyright Joyent, Inc. and other Node contributors. All rights reserved.
        //
        //      Permission is hereby granted, free of charge, to any person obtaining a copy
        //      of this software and associated documentation files (the "Software"), to
        //      deal in the Software without restriction, including without limitation the
        //      rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
        //      sell copies of the Software, and to permit persons to whom the Software is
        //      furnished to do so, subject to the following conditions:
        //
        //      The above copyright notice and this permission notice shall be included in
        //      all copies or substantial portions of the Software.
        //
        //      THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
        //      IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
        //      FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        //      AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
        //      LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
        //      FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
        //      IN THE SOFTWARE.
        if (!arg) {
            // Need double quotation for empty argument
            return '""';
        }
        if (!arg.includes(' ') && !arg.includes('\t') && !arg.includes('"')) {
            // No quotation needed
            return arg;
        }
        if (!arg.includes('"') && !arg.includes('\\')) {
            // No embedded double quotes or backslashes, so I can just wrap
            // quote marks around the whole thing.
            return `"${arg}"`;
        }
        // Expected input/output:
        //   input : hello"world
        //   output: "hello\"world"
        //   input : hello""world
        //   output: "hello\"\"world"
        //   input : hello\world
        //   output: hello\world
        //   input : hello\\world
        //   output: hello\\world
        //   input : hello\"world
        //   output: "hello\\\"world"
        //   input : hello\\"world
        //   output: "hello\\\\\"world"
        //   input : hello world\
        //   output: "hello world\\" - note the comment in libuv actually reads "hello world\"
        //                             but it appears the comment is wrong, it should be "hello world\\"
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\';
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '\\';
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _cloneExecOptions(options) {
        options = options || {};
        const result = {
            cwd: options.cwd || process.cwd(),
            env: options.env || process.env,
            silent: options.silent || false,
            windowsVerbatimArguments: options.windowsVerbatimArguments || false,
            failOnStdErr: options.failOnStdErr || false,
            ignoreReturnCode: options.ignoreReturnCode || false,
            delay: options.delay || 10000
        };
        result.outStream = options.outStream || process.stdout;
        result.errStream = options.errStream || process.stderr;
        return result;
    }
    _getSpawnOptions(options, toolPath) {
        options = options || {};
        const result = {};
        result.cwd = options.cwd;
        result.env = options.env;
        result['windowsVerbatimArguments'] =
            options.windowsVerbatimArguments || this._isCmdFile();
        if (options.windowsVerbatimArguments) {
            result.argv0 = `"${toolPath}"`;
        }
        return result;
    }
    /**
     * Exec a tool.
     * Output will be streamed to the live console.
     * Returns promise with return code
     *
     * @param     tool     path to tool to exec
     * @param     options  optional exec options.  See ExecOptions
     * @returns   number
     */
    exec() {
        return toolrunner_awaiter(this, void 0, void 0, function* () {
            // root the tool path if it is unrooted and contains relative pathing
            if (!isRooted(this.toolPath) &&
                (this.toolPath.includes('/') ||
                    (toolrunner_IS_WINDOWS && this.toolPath.includes('\\')))) {
                // prefer options.cwd if it is specified, however options.cwd may also need to be rooted
                this.toolPath = external_path_namespaceObject.resolve(process.cwd(), this.options.cwd || process.cwd(), this.toolPath);
            }
            // if the tool is only a file name, then resolve it from the PATH
            // otherwise verify it exists (add extension on Windows if necessary)
            this.toolPath = yield which(this.toolPath, true);
            return new Promise((resolve, reject) => toolrunner_awaiter(this, void 0, void 0, function* () {
                this._debug(`exec tool: ${this.toolPath}`);
                this._debug('arguments:');
                for (const arg of this.args) {
                    this._debug(`   ${arg}`);
                }
                const optionsNonNull = this._cloneExecOptions(this.options);
                if (!optionsNonNull.silent && optionsNonNull.outStream) {
                    optionsNonNull.outStream.write(this._getCommandString(optionsNonNull) + external_os_namespaceObject.EOL);
                }
                const state = new ExecState(optionsNonNull, this.toolPath);
                state.on('debug', (message) => {
                    this._debug(message);
                });
                if (this.options.cwd && !(yield exists(this.options.cwd))) {
                    return reject(new Error(`The cwd: ${this.options.cwd} does not exist!`));
                }
                const fileName = this._getSpawnFileName();
                const cp = external_child_process_namespaceObject.spawn(fileName, this._getSpawnArgs(optionsNonNull), this._getSpawnOptions(this.options, fileName));
                let stdbuffer = '';
                if (cp.stdout) {
                    cp.stdout.on('data', (data) => {
                        if (this.options.listeners && this.options.listeners.stdout) {
                            this.options.listeners.stdout(data);
                        }
                        if (!optionsNonNull.silent && optionsNonNull.outStream) {
                            optionsNonNull.outStream.write(data);
                        }
                        stdbuffer = this._processLineBuffer(data, stdbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.stdline) {
                                this.options.listeners.stdline(line);
                            }
                        });
                    });
                }
                let errbuffer = '';
                if (cp.stderr) {
                    cp.stderr.on('data', (data) => {
                        state.processStderr = true;
                        if (this.options.listeners && this.options.listeners.stderr) {
                            this.options.listeners.stderr(data);
                        }
                        if (!optionsNonNull.silent &&
                            optionsNonNull.errStream &&
                            optionsNonNull.outStream) {
                            const s = optionsNonNull.failOnStdErr
                                ? optionsNonNull.errStream
                                : optionsNonNull.outStream;
                            s.write(data);
                        }
                        errbuffer = this._processLineBuffer(data, errbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.errline) {
                                this.options.listeners.errline(line);
                            }
                        });
                    });
                }
                cp.on('error', (err) => {
                    state.processError = err.message;
                    state.processExited = true;
                    state.processClosed = true;
                    state.CheckComplete();
                });
                cp.on('exit', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    this._debug(`Exit code ${code} received from tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                cp.on('close', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    state.processClosed = true;
                    this._debug(`STDIO streams have closed for tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                state.on('done', (error, exitCode) => {
                    if (stdbuffer.length > 0) {
                        this.emit('stdline', stdbuffer);
                    }
                    if (errbuffer.length > 0) {
                        this.emit('errline', errbuffer);
                    }
                    cp.removeAllListeners();
                    if (error) {
                        reject(error);
                    }
                    else {
                        resolve(exitCode);
                    }
                });
                if (this.options.input) {
                    if (!cp.stdin) {
                        throw new Error('child process missing stdin');
                    }
                    cp.stdin.end(this.options.input);
                }
            }));
        });
    }
}
/**
 * Convert an arg string to an array of args. Handles escaping
 *
 * @param    argString   string of arguments
 * @returns  string[]    array of arguments
 */
function argStringToArray(argString) {
    const args = [];
    let inQuotes = false;
    let escaped = false;
    let arg = '';
    function append(c) {
        // we only escape double quotes.
        if (escaped && c !== '"') {
            arg += '\\';
        }
        arg += c;
        escaped = false;
    }
    for (let i = 0; i < argString.length; i++) {
        const c = argString.charAt(i);
        if (c === '"') {
            if (!escaped) {
                inQuotes = !inQuotes;
            }
            else {
                append(c);
            }
            continue;
        }
        if (c === '\\' && escaped) {
            append(c);
            continue;
        }
        if (c === '\\' && inQuotes) {
            escaped = true;
            continue;
        }
        if (c === ' ' && !inQuotes) {
            if (arg.length > 0) {
                args.push(arg);
                arg = '';
            }
            continue;
        }
        append(c);
    }
    if (arg.length > 0) {
        args.push(arg.trim());
    }
    return args;
}
class ExecState extends external_events_namespaceObject.EventEmitter {
    constructor(options, toolPath) {
        super();
        this.processClosed = false; // tracks whether the process has exited and stdio is closed
        this.processError = '';
        this.processExitCode = 0;
        this.processExited = false; // tracks whether the process has exited
        this.processStderr = false; // tracks whether stderr was written to
        this.delay = 10000; // 10 seconds
        this.done = false;
        this.timeout = null;
        if (!toolPath) {
            throw new Error('toolPath must not be empty');
        }
        this.options = options;
        this.toolPath = toolPath;
        if (options.delay) {
            this.delay = options.delay;
        }
    }
    CheckComplete() {
        if (this.done) {
            return;
        }
        if (this.processClosed) {
            this._setResult();
        }
        else if (this.processExited) {
            this.timeout = (0,external_timers_namespaceObject.setTimeout)(ExecState.HandleTimeout, this.delay, this);
        }
    }
    _debug(message) {
        this.emit('debug', message);
    }
    _setResult() {
        // determine whether there is an error
        let error;
        if (this.processExited) {
            if (this.processError) {
                error = new Error(`There was an error when attempting to execute the process '${this.toolPath}'. This may indicate the process failed to start. Error: ${this.processError}`);
            }
            else if (this.processExitCode !== 0 && !this.options.ignoreReturnCode) {
                error = new Error(`The process '${this.toolPath}' failed with exit code ${this.processExitCode}`);
            }
            else if (this.processStderr && this.options.failOnStdErr) {
                error = new Error(`The process '${this.toolPath}' failed because one or more lines were written to the STDERR stream`);
            }
        }
        // clear the timeout
        if (this.timeout) {
            clearTimeout(this.timeout);
            this.timeout = null;
        }
        this.done = true;
        this.emit('done', error, this.processExitCode);
    }
    static HandleTimeout(state) {
        if (state.done) {
            return;
        }
        if (!state.processClosed && state.processExited) {
            const message = `The STDIO streams did not close within ${state.delay / 1000} seconds of the exit event from process '${state.toolPath}'. This may indicate a child process inherited the STDIO streams and has not yet exited.`;
            state._debug(message);
        }
        state._setResult();
    }
}
//# sourceMappingURL=toolrunner.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/exec.js
var exec_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


/**
 * Exec a command.
 * Output will be streamed to the live console.
 * Returns promise with return code
 *
 * @param     commandLine        command to execute (can include additional args). Must be correctly escaped.
 * @param     args               optional arguments for tool. Escaping is handled by the lib.
 * @param     options            optional exec options.  See ExecOptions
 * @returns   Promise<number>    exit code
 */
function exec(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        const commandArgs = argStringToArray(commandLine);
        if (commandArgs.length === 0) {
            throw new Error(`Parameter 'commandLine' cannot be null or empty.`);
        }
        // Path to tool to execute should be first arg
        const toolPath = commandArgs[0];
        args = commandArgs.slice(1).concat(args || []);
        const runner = new ToolRunner(toolPath, args, options);
        return runner.exec();
    });
}
/**
 * Exec a command and get the output.
 * Output will be streamed to the live console.
 * Returns promise with the exit code and collected stdout and stderr
 *
 * @param     commandLine           command to execute (can include additional args). Must be correctly escaped.
 * @param     args                  optional arguments for tool. Escaping is handled by the lib.
 * @param     options               optional exec options.  See ExecOptions
 * @returns   Promise<ExecOutput>   exit code, stdout, and stderr
 */
function getExecOutput(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        var _a, _b;
        let stdout = '';
        let stderr = '';
        //Using string decoder covers the case where a mult-byte character is split
        const stdoutDecoder = new external_string_decoder_namespaceObject.StringDecoder('utf8');
        const stderrDecoder = new external_string_decoder_namespaceObject.StringDecoder('utf8');
        const originalStdoutListener = (_a = options === null || options === void 0 ? void 0 : options.listeners) === null || _a === void 0 ? void 0 : _a.stdout;
        const originalStdErrListener = (_b = options === null || options === void 0 ? void 0 : options.listeners) === null || _b === void 0 ? void 0 : _b.stderr;
        const stdErrListener = (data) => {
            stderr += stderrDecoder.write(data);
            if (originalStdErrListener) {
                originalStdErrListener(data);
            }
        };
        const stdOutListener = (data) => {
            stdout += stdoutDecoder.write(data);
            if (originalStdoutListener) {
                originalStdoutListener(data);
            }
        };
        const listeners = Object.assign(Object.assign({}, options === null || options === void 0 ? void 0 : options.listeners), { stdout: stdOutListener, stderr: stdErrListener });
        const exitCode = yield exec(commandLine, args, Object.assign(Object.assign({}, options), { listeners }));
        //flush any remaining characters
        stdout += stdoutDecoder.end();
        stderr += stderrDecoder.end();
        return {
            exitCode,
            stdout,
            stderr
        };
    });
}
//# sourceMappingURL=exec.js.map
;// CONCATENATED MODULE: ./src/exec.ts
// The one wrapper every external command goes through: argument arrays only (never a shell),
// the exit code checked, the last stderr lines kept for the error message. The single
// exception is a streamed stdout (`docker save`), which @actions/exec cannot hand over with
// backpressure: spawnStream covers it with the same rules.


async function execCommand(cmd, args, opts = {}) {
    const lines = lineSplitter(opts.onLine);
    try {
        const out = await getExecOutput(cmd, args, {
            cwd: opts.cwd,
            env: opts.env,
            input: opts.input === undefined ? undefined : Buffer.from(opts.input),
            silent: true,
            ignoreReturnCode: true,
            listeners: lines.listeners
        });
        lines.flush();
        return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr };
    }
    catch (e) {
        // @actions/exec throws when the executable cannot be started at all.
        throw new Error(`could not run \`${cmd}\`: ${e.message}. Is it installed and on PATH?`);
    }
}
/** The last non-empty lines of a command's output, for error messages. */
function lastLines(text, count) {
    const lines = text
        .split(/\r?\n/)
        .map(l => l.trim())
        .filter(l => l !== '');
    return lines.slice(-count).join('\n') || '(no output)';
}
function lineSplitter(onLine) {
    const pending = { stdout: '', stderr: '' };
    const feed = (stream) => (data) => {
        if (!onLine)
            return;
        const parts = (pending[stream] + data.toString('utf8')).split(/\r?\n/);
        pending[stream] = parts.pop() ?? '';
        for (const p of parts)
            onLine(p, stream);
    };
    return {
        listeners: { stdout: feed('stdout'), stderr: feed('stderr') },
        flush: () => {
            for (const s of ['stdout', 'stderr'])
                if (pending[s] && onLine)
                    onLine(pending[s], s);
        }
    };
}
/** Starts a command whose stdout is consumed as a stream (with backpressure). */
function spawnStream(what, cmd, args, env) {
    const child = spawn(cmd, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: env ?? process.env
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
        stderr = (stderr + d.toString('utf8')).slice(-8192);
    });
    const done = new Promise((resolve, reject) => {
        child.on('error', e => reject(new Error(`could not run \`${cmd}\`: ${e.message}. Is it installed and on PATH?`)));
        child.on('close', (code, signal) => {
            if (code === 0)
                resolve();
            else
                reject(new Error(`${what} failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${lastLines(stderr, 1)}`));
        });
    });
    return { stdout: child.stdout, done, kill: () => child.kill('SIGTERM') };
}

;// CONCATENATED MODULE: ./src/image/registry/credentials.ts
// Who we are to a registry: the workflow's token on ghcr.io, else what `docker login` left in
// the Docker config (`auths`, `credHelpers`, `credsStore`), else nobody. The source is named in
// errors (a 401 says which one was tried); the secret never leaves this object's fields.




/** Keys docker login writes for a host (Docker Hub has its historical URL). */
function serverKeys(displayHost) {
    if (displayHost === 'docker.io')
        return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
    return [
        displayHost,
        `https://${displayHost}`,
        `http://${displayHost}`,
        `https://${displayHost}/v1/`
    ];
}
async function findCredentials(displayHost, opts = {}) {
    if (displayHost === 'ghcr.io' && opts.githubToken) {
        return {
            username: 'x-access-token',
            password: opts.githubToken,
            source: 'the workflow token (input `github-token`)'
        };
    }
    const dir = opts.dockerConfigDir ?? process.env.DOCKER_CONFIG ?? (0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.homedir)(), '.docker');
    const file = (0,external_node_path_namespaceObject.join)(dir, 'config.json');
    const config = readConfig(file);
    if (!config)
        return undefined;
    const keys = serverKeys(displayHost);
    const run = opts.runHelper ?? runCredentialHelper;
    const helper = keys.map(k => config.credHelpers?.[k]).find(Boolean);
    if (helper)
        return fromHelper(run, helper, keys[0], file);
    for (const key of keys) {
        const entry = config.auths?.[key];
        const creds = entry && fromAuthEntry(entry, `${file} (auths "${key}")`);
        if (creds)
            return creds;
    }
    if (config.credsStore)
        return fromHelper(run, config.credsStore, keys[0], file);
    return undefined;
}
function readConfig(file) {
    let text;
    try {
        text = (0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined;
    }
    try {
        const json = JSON.parse(text);
        return typeof json === 'object' && json !== null ? json : undefined;
    }
    catch {
        throw new Error(`${file} is not valid JSON; fix it or run docker login again`);
    }
}
function fromAuthEntry(entry, source) {
    if (typeof entry.auth === 'string' && entry.auth) {
        const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = plain.indexOf(':');
        if (colon > 0)
            return { username: plain.slice(0, colon), password: plain.slice(colon + 1), source };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string')
        return { username: entry.username, password: entry.password, source };
    return undefined;
}
async function fromHelper(run, helper, server, file) {
    const source = `credential helper docker-credential-${helper} (from ${file})`;
    if (!/^[A-Za-z0-9_.-]+$/.test(helper))
        throw new Error(`${file} names a credential helper "${helper}" that is not a plain name`);
    const answer = await run(helper, server);
    if (!answer?.Secret)
        return undefined;
    // Helpers answer `<token>` as the user name for identity tokens; registries take them as is.
    return { username: answer.Username ?? '', password: answer.Secret, source };
}
async function runCredentialHelper(helper, server) {
    const r = await execCommand(`docker-credential-${helper}`, ['get'], { input: server });
    // "credentials not found in native keychain": no login for this host, not an error.
    if (r.code !== 0)
        return undefined;
    try {
        return JSON.parse(r.stdout);
    }
    catch {
        throw new Error(`docker-credential-${helper} get answered something that is not JSON`);
    }
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: ./src/image/registry/http.ts
// One HTTP(S) GET with node:http, answering a Node stream (the layer readers take those without
// a web-stream bridge). Redirects are not followed here: the client decides where credentials go.


const TIMEOUT_MS = 60_000;
const agents = {
    http: new external_node_http_namespaceObject.Agent({ keepAlive: true }),
    https: new external_node_https_namespaceObject.Agent({ keepAlive: true })
};
function httpGet(url, headers, method = 'GET') {
    const secure = url.protocol === 'https:';
    const lib = secure ? external_node_https_namespaceObject : external_node_http_namespaceObject;
    return new Promise((resolve, reject) => {
        const req = lib.request(url, { method, headers, agent: secure ? agents.https : agents.http, timeout: TIMEOUT_MS }, res => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url }));
        req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
        req.on('error', err => reject(new Error(describeNetError(err))));
        req.end();
    });
}
function describeNetError(err) {
    return err.code ? `${err.code} (${err.message})` : err.message;
}
/** Reads a small body whole, refusing more than `max` bytes. */
async function readBody(answer, max, what) {
    const declared = Number(answer.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
        answer.body.destroy();
        throw new Error(`${what} is ${declared} bytes, over the ${max} bytes allowed for a JSON document; raise max-json-size`);
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of answer.body) {
        size += chunk.length;
        if (size > max) {
            answer.body.destroy();
            throw new Error(`${what} is over the ${max} bytes allowed for a JSON document; raise max-json-size`);
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}
/** Drains a body we do not want, so the connection can be reused; its errors do not matter. */
function discard(answer) {
    answer.body.on('error', () => { });
    answer.body.resume();
}

;// CONCATENATED MODULE: ./src/image/registry/reference.ts
// `docker://HOST/REPO:TAG` and `docker://HOST/REPO@sha256:…` parsed into what the distribution
// API needs. Pure. Names follow Docker's rules: no host means Docker Hub, whose API lives at
// registry-1.docker.io, and a one-part Hub name is an official image under `library/`.

const REGISTRY_PREFIX = 'docker://';
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const HOST = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
function isRegistrySource(source) {
    return source.startsWith(REGISTRY_PREFIX);
}
function parseRegistryReference(source) {
    const text = source.startsWith(REGISTRY_PREFIX) ? source.slice(REGISTRY_PREFIX.length) : source;
    const bad = (why) => new UsageError(`${REGISTRY_PREFIX}${text} is not a valid image reference: ${why}. ` +
        `Write ${REGISTRY_PREFIX}HOST/REPOSITORY:TAG or ${REGISTRY_PREFIX}HOST/REPOSITORY@sha256:DIGEST`);
    let rest = text.trim();
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            throw bad(`"${digest}" is not a sha256:… or sha512:… digest`);
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag))
            throw bad(`"${tag}" is not a valid tag`);
    }
    const slash = rest.indexOf('/');
    const first = slash < 0 ? '' : rest.slice(0, slash);
    const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
    let displayHost = hasHost ? first : 'docker.io';
    let repository = hasHost ? rest.slice(slash + 1) : rest;
    if (hasHost && !HOST.test(displayHost))
        throw bad(`"${displayHost}" is not a host name`);
    if (displayHost === 'index.docker.io' || displayHost === 'registry-1.docker.io')
        displayHost = 'docker.io';
    const hub = displayHost === 'docker.io';
    if (hub && !repository.includes('/'))
        repository = `library/${repository}`;
    if (!REPOSITORY.test(repository))
        throw bad(`"${repository}" is not a repository name (lower case letters, digits, . _ - and /)`);
    const ref = {
        text,
        host: hub ? 'registry-1.docker.io' : displayHost.toLowerCase(),
        displayHost: displayHost.toLowerCase(),
        repository
    };
    if (digest)
        ref.digest = digest;
    // A digest pins the content; a tag beside it is only a label.
    if (tag)
        ref.tag = tag;
    else if (!digest)
        ref.tag = 'latest';
    return ref;
}
/** What to ask the manifests endpoint for: the digest when pinned, else the tag. */
function manifestTarget(ref) {
    return ref.digest ?? ref.tag ?? 'latest';
}
/** HTTP without TLS only for the loopback host, or hosts the user named insecure. */
function allowsPlainHttp(host, insecure = []) {
    const name = hostName(host);
    if (name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name === '::1')
        return true;
    return insecure.some(h => h.toLowerCase() === host.toLowerCase() || h.toLowerCase() === name);
}
function hostName(host) {
    const m = /^(\[[^\]]+\]|[^:]+)/.exec(host.toLowerCase());
    return m ? m[1] : host.toLowerCase();
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: ./src/image/registry/stream-get.ts
// One HTTP/1.1 GET of a blob over its own connection, the socket reading straight into the
// 1 MiB pieces the body is handed on in. node:http (http.ts) costs about 2 s of CPU per GB of
// body on top of the socket: a fresh 64 KiB buffer per socket read, a copy of every body chunk
// by its parser, a stream event per chunk, and the garbage collection all that starts. Here the
// socket's reads land in the piece being filled (net's `onread` with a buffer generator) and the
// body stream gets whole pieces: a 1 GB download costs about 0.5 s of CPU instead of 2.5 s
// (docs/benchmarks.md). Manifests, tokens and configs stay on node:http (small bodies, kept-alive
// connections).
//
// What is understood of HTTP/1.1 is what a GET answer may be: a status line, header lines, and
// a body framed by Content-Length, by chunked transfer coding, or by the end of the connection
// (`Connection: close` is asked for, so the connection is never reused). Interim 1xx answers
// are skipped. Anything else is an error naming what was wrong.




/** The body is handed on in pieces of this size (the last one may be shorter). */
const PIECE_BYTES = 1024 * 1024;
/** An answer's status line and headers may take at most this many bytes. */
const MAX_HEAD_BYTES = 64 * 1024;
const stream_get_TIMEOUT_MS = 60_000;
/** Where reads go once the body is over (a TLS socket may still hand over a record or two). */
const SPENT = Buffer.allocUnsafe(16 * 1024);
/**
 * GETs `url` (http: or https:) with `headers`. Settles with the answer once its headers are in;
 * the body streams in pieces the caller owns (fresh buffers, never reused).
 */
function streamGet(url, headers, options = {}) {
    return new Promise((resolve, reject) => {
        new Exchange(url, headers, options, resolve, reject).start();
    });
}
class Exchange {
    url;
    headers;
    options;
    resolve;
    reject;
    pieceBytes;
    piece;
    filled = 0;
    socket;
    body;
    framing;
    /** Chunked bodies are read here and decoded into the piece. */
    scratch;
    settled = false;
    done = false;
    /** The body's reader asked for data (it listens). */
    reading = false;
    /** An error of the body before anyone read it: given to the first read. */
    pending;
    /** The socket waits for the reader; its idle timer is off meanwhile. */
    paused = false;
    constructor(url, headers, options, resolve, reject) {
        this.url = url;
        this.headers = headers;
        this.options = options;
        this.resolve = resolve;
        this.reject = reject;
        // the head is read into the first piece
        this.pieceBytes = Math.max(options.pieceBytes ?? PIECE_BYTES, 2 * MAX_HEAD_BYTES);
        this.piece = Buffer.allocUnsafe(this.pieceBytes);
    }
    start() {
        let request;
        try {
            request = requestHead(this.url, this.headers);
        }
        catch (err) {
            return this.fail(err);
        }
        const secure = this.url.protocol === 'https:';
        const host = this.url.hostname.replace(/^\[(.*)\]$/, '$1');
        const port = Number(this.url.port) || (secure ? 443 : 80);
        const onread = {
            buffer: () => this.target(),
            callback: (n, buf) => this.onData(n, buf)
        };
        const socket = secure
            ? external_node_tls_namespaceObject.connect({
                host,
                port,
                onread, // documented for tls.connect, missing from its typings
                ...(external_node_net_namespaceObject.isIP(host) ? {} : { servername: host }),
                ...(this.options.ca ? { ca: this.options.ca } : {})
            })
            : external_node_net_namespaceObject.connect({ host, port, onread });
        this.socket = socket;
        socket.setTimeout(this.timeoutMs(), () => this.fail(new Error(`no answer within ${this.timeoutMs() / 1000} s`)));
        socket.on('error', err => this.fail(new Error(describeNetError(err))));
        socket.on('close', () => this.onClose());
        socket.write(request);
    }
    timeoutMs() {
        return this.options.timeoutMs ?? stream_get_TIMEOUT_MS;
    }
    chunked() {
        return this.framing?.kind === 'chunked';
    }
    /** Where the next socket read goes: the rest of the piece, or the scratch of a chunked body. */
    target() {
        // never a piece handed on, never an empty buffer (a TLS socket would spin on it)
        if (this.done)
            return SPENT;
        if (this.chunked())
            return (this.scratch ??= Buffer.allocUnsafe(64 * 1024));
        return this.piece.subarray(this.filled);
    }
    /** A socket read of `n` bytes into `buf` (what target() gave). False pauses the socket. */
    onData(n, buf) {
        if (this.done)
            return true;
        const more = this.take(n, buf);
        if (!more && !this.done) {
            // the reader is behind: not an idle server
            this.paused = true;
            this.socket?.setTimeout(0);
        }
        return more;
    }
    take(n, buf) {
        if (this.chunked())
            return this.onChunked(Buffer.from(buf.buffer, buf.byteOffset, n));
        this.filled += n;
        if (!this.framing) {
            // readHead hands on what came after the head (a chunked body: decoded)
            if (!this.readHead() || this.chunked())
                return true;
        }
        else if (this.framing.kind === 'length') {
            this.framing.left -= n;
        }
        return this.afterBody();
    }
    /** After body bytes went into the piece: hands on a full piece, ends a complete body. */
    afterBody() {
        const framing = this.framing;
        if (framing.kind === 'length' && framing.left <= 0) {
            // bytes past the declared length (there should be none) are not the body
            this.filled += framing.left;
            framing.left = 0;
            return this.finish();
        }
        if (this.filled === this.pieceBytes)
            return this.handOn();
        return true;
    }
    handOn() {
        const full = this.piece.subarray(0, this.filled);
        this.piece = Buffer.allocUnsafe(this.pieceBytes);
        this.filled = 0;
        return this.body.push(full);
    }
    finish() {
        this.done = true;
        if (this.filled > 0)
            this.body.push(this.piece.subarray(0, this.filled));
        this.filled = 0;
        this.piece = SPENT;
        this.body.push(null);
        this.socket?.destroy();
        return true;
    }
    /** Parses the answer's head once it is all in; false while more is needed. */
    readHead() {
        const end = this.piece.subarray(0, this.filled).indexOf('\r\n\r\n');
        if (end < 0) {
            if (this.filled > MAX_HEAD_BYTES)
                this.fail(new Error(`the answer's headers are over ${MAX_HEAD_BYTES} bytes`));
            return false;
        }
        let head;
        try {
            head = parseHead(this.piece.toString('latin1', 0, end));
        }
        catch (err) {
            this.fail(err);
            return false;
        }
        const rest = end + 4;
        this.piece.copyWithin(0, rest, this.filled);
        this.filled -= rest;
        if (head.status >= 100 && head.status < 200)
            return this.readHead(); // interim answer
        let framing;
        try {
            framing = framingOf(head);
        }
        catch (err) {
            this.fail(err);
            return false;
        }
        this.framing = framing;
        this.body = new external_node_stream_namespaceObject.Readable({
            highWaterMark: 2 * this.pieceBytes,
            read: () => this.onRead(),
            destroy: (err, cb) => {
                this.done = true;
                this.socket?.destroy();
                cb(err);
            }
        });
        this.settled = true;
        this.resolve({ status: head.status, headers: head.headers, body: this.body, url: this.url });
        if (framing.kind === 'chunked') {
            const early = Buffer.from(this.piece.subarray(0, this.filled));
            this.filled = 0;
            this.onChunked(early);
        }
        else if (framing.kind === 'length') {
            framing.left -= this.filled;
        }
        return true;
    }
    /** The reader wants more: the error it has not heard of yet, or the socket reading again. */
    onRead() {
        this.reading = true;
        if (this.pending) {
            this.body.destroy(this.pending);
            this.pending = undefined;
            return;
        }
        if (this.paused) {
            this.paused = false;
            this.socket?.setTimeout(this.timeoutMs());
        }
        this.socket?.resume();
    }
    onChunked(data) {
        const framing = this.framing;
        let more = true;
        try {
            framing.decoder.decode(data, part => {
                for (let at = 0; at < part.length;) {
                    const take = Math.min(part.length - at, this.pieceBytes - this.filled);
                    part.copy(this.piece, this.filled, at, at + take);
                    this.filled += take;
                    at += take;
                    if (this.filled === this.pieceBytes)
                        more = this.handOn() && more;
                }
            });
        }
        catch (err) {
            this.fail(err);
            return true;
        }
        if (framing.decoder.complete)
            return this.finish();
        return more;
    }
    onClose() {
        if (this.done)
            return;
        const framing = this.framing;
        if (framing?.kind === 'close') {
            this.finish();
            return;
        }
        const what = framing?.kind === 'length'
            ? `the connection closed with ${framing.left} bytes of the body still to come`
            : framing
                ? 'the connection closed inside a chunked body'
                : 'the connection closed before a complete answer';
        this.fail(new Error(what));
    }
    fail(err) {
        if (this.done)
            return;
        this.done = true;
        this.piece = SPENT;
        this.socket?.destroy();
        if (!this.settled) {
            this.settled = true;
            this.reject(err);
        }
        else if (this.reading || this.body.listenerCount('error') > 0)
            this.body.destroy(err);
        // nobody listens yet (the answer was just given): an 'error' now would go unheard
        else
            this.pending = err;
    }
}
function requestHead(url, headers) {
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
    for (const [name, value] of Object.entries(headers)) {
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
            throw new Error(`the header name ${JSON.stringify(name.slice(0, 40))} is not a token`);
        if (/[\r\n\0]/.test(value))
            throw new Error(`the ${name} header holds a line break`);
        lines.push(`${name}: ${value}`);
    }
    lines.push('Connection: close', '', '');
    return lines.join('\r\n');
}
/** The status line and header lines (names lower-cased, repeated ones joined with ", "). */
function parseHead(text) {
    const [statusLine, ...lines] = text.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
    if (!m)
        throw new Error(`the answer is not HTTP/1.1: ${JSON.stringify(statusLine.slice(0, 60))}`);
    const headers = Object.create(null);
    for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon <= 0 || /^[ \t]/.test(line))
            throw new Error(`the answer has a malformed header line: ${JSON.stringify(line.slice(0, 60))}`);
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        const before = headers[name];
        if (before === undefined)
            headers[name] = value;
        else if (name === 'content-length') {
            if (before !== value)
                throw new Error(`the answer has two Content-Length headers, ${before} and ${value}`);
        }
        else if (name !== 'location')
            headers[name] = `${before}, ${value}`; // the first Location counts
    }
    return { status: Number(m[1]), headers };
}
function framingOf(head) {
    const coding = head.headers['transfer-encoding'];
    if (coding !== undefined) {
        if (coding.trim().toLowerCase() !== 'chunked')
            throw new Error(`the answer's transfer coding "${coding.slice(0, 40)}" is not supported`);
        return { kind: 'chunked', decoder: new ChunkedDecoder() };
    }
    if (head.status === 204 || head.status === 304)
        return { kind: 'length', left: 0 };
    const length = head.headers['content-length'];
    if (length === undefined)
        return { kind: 'close' };
    if (!/^\d{1,15}$/.test(length))
        throw new Error(`the answer's Content-Length "${length.slice(0, 40)}" is not a number`);
    return { kind: 'length', left: Number(length) };
}
/**
 * Chunked transfer coding (RFC 9112 §7.1), fed in any pieces: hands on the data, skips chunk
 * extensions and trailers, `complete` after the last chunk's trailer section.
 */
class ChunkedDecoder {
    complete = false;
    state = 'size';
    line = '';
    left = 0;
    decode(data, onData) {
        let at = 0;
        while (at < data.length && !this.complete) {
            if (this.state === 'data') {
                const take = Math.min(this.left, data.length - at);
                onData(data.subarray(at, at + take));
                at += take;
                this.left -= take;
                if (this.left === 0)
                    this.state = 'data-end';
                continue;
            }
            const nl = data.indexOf(10, at);
            const end = nl < 0 ? data.length : nl;
            this.line += data.toString('latin1', at, end);
            if (this.line.length > 4096)
                throw new Error('a chunk header of the answer is too long');
            at = end;
            if (nl < 0)
                break;
            at++;
            const line = this.line.replace(/\r$/, '');
            this.line = '';
            this.onLine(line);
        }
    }
    onLine(line) {
        switch (this.state) {
            case 'size': {
                const m = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
                if (!m)
                    throw new Error(`the answer's chunk size ${JSON.stringify(line.slice(0, 40))} is not hexadecimal`);
                this.left = parseInt(m[1], 16);
                this.state = this.left === 0 ? 'trailer' : 'data';
                return;
            }
            case 'data-end':
                if (line !== '')
                    throw new Error('a chunk of the answer is longer than its size says');
                this.state = 'size';
                return;
            case 'trailer':
                if (line === '')
                    this.complete = true;
                return;
            default:
                return;
        }
    }
}

;// CONCATENATED MODULE: ./src/image/registry/client.ts
// The OCI distribution API for one repository: the /v2/ ping, the bearer-token and basic auth
// flows, manifests and blobs. Credentials go only to the registry's host and its token realm; a
// blob redirect to another host (a CDN) is followed without them.






const MAX_REDIRECTS = 5;
const MAX_SMALL_BYTES = 1024 * 1024;
class RegistryClient {
    ref;
    opts;
    authorization;
    credentials;
    credentialsLooked = false;
    ready;
    /** The registry's Bearer challenge, kept to get a new token when one expires mid-read. */
    bearer;
    base;
    constructor(ref, opts = {}) {
        this.ref = ref;
        this.opts = opts;
        const plain = allowsPlainHttp(ref.host, opts.insecureRegistries);
        this.base = new URL(`${plain ? 'http' : 'https'}://${ref.host}/`);
    }
    /** This client after its login, as data (see ClientSession). */
    async session() {
        await (this.ready ??= this.login());
        const { runHelper: _helper, ...opts } = this.opts;
        const s = { ref: this.ref, opts, credentialsLooked: this.credentialsLooked };
        if (this.authorization)
            s.authorization = this.authorization;
        if (this.bearer)
            s.bearer = this.bearer;
        if (this.credentials)
            s.credentials = this.credentials;
        return s;
    }
    /** A client that goes on from a session (in a layer thread): no second login. */
    static resume(s) {
        const client = new RegistryClient(s.ref, s.opts);
        client.authorization = s.authorization;
        client.bearer = s.bearer;
        client.credentials = s.credentials;
        client.credentialsLooked = s.credentialsLooked;
        client.ready = Promise.resolve();
        return client;
    }
    /** `docker://host/repo:tag` as people wrote it, for messages. */
    get label() {
        return `docker://${this.ref.text}`;
    }
    /** GET of a manifest or small blob; 404 and auth failures become clear errors. */
    async getSmall(path, accept, what, maxBytes = MAX_SMALL_BYTES) {
        const answer = await this.get(path, accept ? { Accept: accept } : {}, what);
        return { bytes: await readBody(answer, maxBytes, what), answer };
    }
    /**
     * Opens a blob for streaming, over a connection of its own (stream-get.ts); the caller reads
     * (and verifies) the body.
     */
    async openBlob(digest, what) {
        return this.get(`/v2/${this.ref.repository}/blobs/${digest}`, {}, what, true);
    }
    async get(path, headers, what, stream = false) {
        // Blobs (layers, configs) may live on a CDN; manifests and tokens come from the registry.
        const blob = path.includes('/blobs/');
        await (this.ready ??= this.login());
        let url = new URL(path, this.base);
        let renewed = false;
        for (let hop = 0;; hop++) {
            const sameHost = url.host === this.base.host;
            const auth = sameHost && this.authorization ? { Authorization: this.authorization } : {};
            const answer = await this.send(url, { ...headers, ...auth }, what, stream);
            if (answer.status >= 300 && answer.status < 400 && answer.headers.location) {
                discard(answer);
                if (hop >= MAX_REDIRECTS)
                    throw new Error(`${this.label}: ${what}: more than ${MAX_REDIRECTS} redirects`);
                url = this.redirectTarget(url, answer.headers.location, what, blob);
                continue;
            }
            if (answer.status === 200)
                return answer;
            // Tokens live minutes (Docker Hub: 5); a large image outlasts one. One new token, once.
            if (answer.status === 401 && sameHost && this.bearer && !renewed) {
                discard(answer);
                renewed = true;
                hop--;
                await this.fetchToken(this.bearer);
                continue;
            }
            throw await this.failure(answer, what);
        }
    }
    redirectTarget(from, location, what, blob) {
        const to = new URL(location, from);
        if (to.protocol !== 'https:' &&
            !(to.protocol === 'http:' && allowsPlainHttp(to.host, this.opts.insecureRegistries))) {
            throw new Error(`${this.label}: ${what}: the registry redirected to ${to.protocol}//${to.host}, which is not HTTPS; refusing to follow`);
        }
        if (to.host !== this.base.host && !blob) {
            throw new Error(`${this.label}: ${what}: the registry redirected to another host (${to.host}); only blob downloads may be redirected. Is ${this.ref.host} the registry's API host?`);
        }
        return to;
    }
    /** A GET: small answers on node:http, `stream` ones over a connection of their own. */
    async send(url, headers, what, stream = false) {
        const all = { 'User-Agent': 'image-size-guard', ...headers };
        try {
            return await (stream ? streamGet(url, all) : httpGet(url, all));
        }
        catch (err) {
            throw new Error(`${this.label}: cannot reach ${url.protocol}//${url.host} for ${what}: ${err.message}` +
                (url.protocol === 'https:'
                    ? '. A registry without TLS needs the insecure-registries input (or --insecure-registry)'
                    : ''));
        }
    }
    /** Pings /v2/ and sets up the Authorization header the registry asks for. */
    async login() {
        const ping = await this.send(new URL('/v2/', this.base), {}, 'the API check (GET /v2/)');
        discard(ping);
        if (ping.status === 200)
            return;
        const challenges = parseChallenges(headerValue(ping.headers['www-authenticate']));
        if (ping.status !== 401 || challenges.length === 0) {
            throw new errors_UsageError(`${this.label}: ${this.ref.host} is not a container registry: GET /v2/ answered HTTP ${ping.status}` +
                `${ping.headers['content-type'] ? ` (${String(ping.headers['content-type']).split(';')[0]})` : ''}, not 200 or 401 with a challenge. Check the host name`);
        }
        const bearer = challenges.find(c => c.scheme === 'bearer');
        if (bearer) {
            this.bearer = bearer;
            return this.fetchToken(bearer);
        }
        if (challenges.some(c => c.scheme === 'basic')) {
            const creds = await this.creds();
            if (!creds)
                throw this.denied(401, 'the API check (GET /v2/)');
            this.authorization = `Basic ${basic(creds)}`;
            return;
        }
        throw new Error(`${this.label}: the registry asks for ${challenges[0].scheme} authentication, which is not supported (Bearer and Basic are)`);
    }
    async fetchToken(challenge) {
        const realm = challenge.params.realm;
        if (!realm)
            throw new Error(`${this.label}: the registry's Bearer challenge names no realm`);
        let url;
        try {
            url = new URL(realm);
        }
        catch {
            throw new Error(`${this.label}: the registry's token realm "${realm.slice(0, 100)}" is not a URL`);
        }
        if (url.protocol !== 'https:' &&
            !(url.protocol === 'http:' && allowsPlainHttp(url.host, this.opts.insecureRegistries)))
            throw new Error(`${this.label}: the registry's token realm ${url.host} is not HTTPS; refusing to send credentials there`);
        if (challenge.params.service)
            url.searchParams.set('service', challenge.params.service);
        url.searchParams.set('scope', `repository:${this.ref.repository}:pull`);
        const creds = await this.creds();
        const answer = await this.send(url, creds ? { Authorization: `Basic ${basic(creds)}` } : {}, 'a token');
        if (answer.status !== 200) {
            discard(answer);
            throw this.denied(answer.status, `a token from ${url.host}`);
        }
        const body = await readBody(answer, MAX_SMALL_BYTES, 'the token answer');
        let token;
        try {
            const json = JSON.parse(body.toString('utf8'));
            token = json.token ?? json.access_token;
        }
        catch {
            token = undefined;
        }
        if (typeof token !== 'string' || token === '' || /[\r\n]/.test(token))
            throw new Error(`${this.label}: the token server ${url.host} answered without a token`);
        this.authorization = `Bearer ${token}`;
    }
    async creds() {
        if (!this.credentialsLooked) {
            this.credentialsLooked = true;
            this.credentials = await findCredentials(this.ref.displayHost, this.opts);
        }
        return this.credentials;
    }
    async failure(answer, what) {
        const body = await readBody(answer, 64 * 1024, 'the error answer').catch(() => Buffer.alloc(0));
        const code = errorCode(body);
        if (answer.status === 401 || answer.status === 403)
            return this.denied(answer.status, what, code);
        if (answer.status === 404) {
            const target = this.ref.digest ?? `tag ${this.ref.tag ?? 'latest'}`;
            return new errors_UsageError(`${this.label}: ${what} was not found on ${this.ref.displayHost} (HTTP 404${code ? ` ${code}` : ''}): ` +
                `check that repository ${this.ref.repository} and ${target} exist and were pushed`);
        }
        if (answer.status === 429)
            return new Error(`${this.label}: ${this.ref.displayHost} rate-limited the request for ${what} (HTTP 429); log in (docker/login-action) or retry later`);
        return new Error(`${this.label}: ${what}: the registry answered HTTP ${answer.status}${code ? ` ${code}` : ''}`);
    }
    denied(status, what, code) {
        const tried = this.credentials
            ? `credentials from ${this.credentials.source}`
            : `no credentials (none for ${this.ref.displayHost} in the Docker config${this.ref.displayHost === 'ghcr.io' ? ' and no github-token' : ''})`;
        return new errors_UsageError(`${this.label}: access denied by ${this.ref.displayHost} for ${what} (HTTP ${status}${code ? ` ${code}` : ''}), tried ${tried}. ` +
            `Log in with docker login ${this.ref.displayHost} (docker/login-action in a workflow) with an account that may pull ${this.ref.repository}`);
    }
}
function basic(c) {
    return Buffer.from(`${c.username}:${c.password}`).toString('base64');
}
function headerValue(v) {
    return Array.isArray(v) ? v.join(', ') : v;
}
/** The distribution API's `{"errors":[{"code":"MANIFEST_UNKNOWN"}]}`, when there is one. */
function errorCode(body) {
    try {
        const json = JSON.parse(body.toString('utf8'));
        const code = json.errors?.[0]?.code;
        return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/image/registry/threads.ts
// Layer threads: registry layers downloaded and read on worker threads, so that reading an
// image uses both cores. On the main thread a read is CPU work that cannot overlap with itself:
// the HTTP body, the blob's sha256, zlib's round trips, the tar parse and every file's sha256.
// And the main thread's heap is large (the whole action or command line): the garbage of a
// download (a fresh buffer per socket read) makes V8 mark that heap again and again, more so
// on Node 24. A thread runs a small bundle of its own (dist/layer-thread/index.js, from
// src/layer-thread.ts): the same readBlobLayer as the main thread, on a client resumed from
// the main thread's session (no second login), answering the LayerRead (structured clone) or
// the error. docs/benchmarks.md has the figures.
//
// The action's and the command line's entry points name the bundle (useLayerThreads());
// without that (tests load the sources), reads stay on the main thread.
//
// The protocol, one read at a time per thread:
//   main → thread: read {session, job, options}
//   thread → main: progress {bytes}…, warning {message}…, then done {read} or error {…}







/** A thread reports its progress in steps of this many bytes (and at the end). */
const PROGRESS_BYTES = 16 * 1024 * 1024;
// ---------------------------------------------------------------------------------------------
// Main thread
let entry;
/**
 * Called by a bundle's entry point: layer threads run `url` (the layer thread's bundle), which
 * keeps what `wantContent` wants. Reads asked with another filter stay on the main thread.
 */
function useLayerThreads(url, wantContent) {
    entry = { url, wantContent };
}
/**
 * Threads for `count` reads at a time, or undefined when reads stay on the main thread: no
 * entry point registered them, or the read wants a content filter the threads do not have.
 */
function layerThreads(count, wantContent) {
    if (!entry || (wantContent && wantContent !== entry.wantContent))
        return undefined;
    const url = entry.url;
    const file = fileURLToPath(url);
    if (!existsSync(file))
        throw new Error(`the layer reader threads' bundle ${file} is missing: it is part of the dist/ folder, check it out whole`);
    return Array.from({ length: count }, () => {
        const worker = new Worker(url);
        worker.unref(); // a thread never keeps the process alive; close() ends it
        return new LayerThread(worker, file);
    });
}
/** One thread, one read at a time. */
class LayerThread {
    port;
    crashed;
    crashListeners = new Set();
    /** `file`: a Worker's bundle, named when the thread dies. */
    constructor(port, file) {
        this.port = port;
        const name = file ? `a layer reader thread (${file})` : 'a layer reader thread';
        const crash = (err) => {
            this.crashed ??= new Error(`${name} stopped: ${oneLine(err.message)}`);
            for (const listener of this.crashListeners)
                listener(this.crashed);
        };
        port.on('error', crash);
        port.once?.('exit', (code) => crash(new Error(`it exited with code ${code}`)));
    }
    /** Downloads and reads one blob in the thread. */
    read(session, job, options, hooks = {}) {
        return new Promise((resolve, reject) => {
            const port = this.port;
            const finish = (err, read) => {
                port.off('message', onMessage);
                this.crashListeners.delete(finish);
                if (err)
                    reject(err);
                else
                    resolve(read);
            };
            const onMessage = (message) => {
                switch (message.type) {
                    case 'progress':
                        return hooks.onProgress?.(message.bytes);
                    case 'warning':
                        return hooks.onWarning?.(message.message);
                    case 'done':
                        return finish(undefined, message.read);
                    case 'error':
                        return finish(message.usage ? new UsageError(message.message) : new Error(message.message));
                }
            };
            if (this.crashed)
                return reject(this.crashed);
            this.crashListeners.add(finish);
            port.on('message', onMessage);
            port.postMessage({ type: 'read', session, job, options });
        });
    }
    /** Ends the thread (a no-op for a bare port). */
    async close() {
        await this.port.terminate?.();
    }
}
// ---------------------------------------------------------------------------------------------
// Layer thread
/** The thread's side: serves reads from `port` (the parent by default) until it is ended. */
function serveLayerThread(wantContent, port = external_node_worker_threads_namespaceObject.parentPort) {
    const post = (message) => port.postMessage(message);
    port.on('message', (message) => {
        let told = 0; // progress goes out every PROGRESS_BYTES, not once per socket read
        const options = {
            ...message.options,
            wantContent: message.options.wantContent ? wantContent : undefined,
            onWarning: text => post({ type: 'warning', message: text }),
            onProgress: bytes => {
                if (bytes - told < PROGRESS_BYTES)
                    return;
                told = bytes;
                post({ type: 'progress', bytes });
            }
        };
        readBlobLayer(RegistryClient.resume(message.session), message.job, options).then(read => {
            post({ type: 'progress', bytes: read.blobBytes });
            post({ type: 'done', read });
        }, (err) => {
            const e = err;
            post({
                type: 'error',
                message: typeof e?.message === 'string' ? e.message : String(err),
                usage: e?.name === 'UsageError'
            });
        });
    });
}

;// CONCATENATED MODULE: ./src/layer-thread.ts
// A layer thread's entry point (src/image/registry/threads.ts): a bundle of its own
// (dist/layer-thread/index.js), so that each thread loads and garbage-collects the layer reader
// alone, not the whole action or command line.


serveLayerThread(wantsContent);


//# sourceMappingURL=index.js.map