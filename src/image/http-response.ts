// Reads one HTTP/1.1 response from the raw bytes of a socket: the status line and headers, then
// the body, framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end of the
// connection. Only what the engine's `docker save` answer needs (one request per connection,
// no keep-alive): see engine-api.ts for why the save does not go through node:http.
//
// Body chunks are handed out as views of the pushed data (no copy), valid during the callback.

const MAX_HEAD_BYTES = 64 * 1024
const MAX_LINE_BYTES = 4096
const CR = 0x0d
const LF = 0x0a
const HEX = '0123456789abcdef'

type State = 'head' | 'size' | 'data' | 'data-end' | 'trailer' | 'length' | 'close' | 'done'

export class HttpResponseReader {
  /** The status code, once the head is in. */
  status = 0
  headers = new Map<string, string>()
  /** The whole body has been read (a chunked or sized body; see bodyUntilClose). */
  complete = false
  /** Neither chunked nor sized: the body ends when the connection does. */
  bodyUntilClose = false
  private state: State = 'head'
  private head: Buffer[] = []
  private headBytes = 0
  /** Bytes left in the current chunk (or the sized body). */
  private left = 0
  private line = ''

  /** Consumes one read; body bytes go to `onBody`. Throws on a response that is not HTTP. */
  push(data: Buffer, onBody: (chunk: Buffer) => void): void {
    let at = 0
    while (at < data.length) {
      switch (this.state) {
        case 'head':
          at = this.readHead(data, at)
          break
        case 'data':
        case 'length':
          at = this.readData(data, at, onBody)
          break
        case 'close':
          onBody(at === 0 ? data : data.subarray(at))
          at = data.length
          break
        case 'size':
        case 'trailer':
          at = this.readLine(data, at)
          break
        case 'data-end':
          at = this.readDataEnd(data, at)
          break
        case 'done':
          return // anything after the response is not ours
      }
    }
  }

  private readHead(data: Buffer, at: number): number {
    const rest = data.subarray(at)
    // The blank line may straddle reads: look for it across the tail of what came before.
    const prev = this.headBytes
    const joined = prev === 0 ? rest : Buffer.concat([...this.head, rest])
    const end = joined.indexOf('\r\n\r\n', Math.max(0, prev - 3))
    if (end < 0) {
      if (joined.length > MAX_HEAD_BYTES) throw new Error('the response head is too long')
      this.head = [Buffer.from(joined)] // copied: `data` is only valid during push()
      this.headBytes = joined.length
      return data.length
    }
    this.parseHead(joined.toString('latin1', 0, end))
    this.head = []
    return at + (end + 4 - prev)
  }

  private parseHead(text: string): void {
    const [statusLine, ...lines] = text.split('\r\n')
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
    if (!m) throw new Error(`unexpected status line "${statusLine.slice(0, 80)}"`)
    this.status = Number(m[1])
    for (const line of lines) {
      const colon = line.indexOf(':')
      if (colon > 0)
        this.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
    const encoding = this.headers.get('transfer-encoding') ?? ''
    const length = this.headers.get('content-length')
    if (/\bchunked\b/i.test(encoding)) this.state = 'size'
    else if (length !== undefined) this.startSized(length)
    else {
      this.state = 'close'
      this.bodyUntilClose = true
    }
  }

  private startSized(length: string): void {
    if (!/^\d+$/.test(length)) throw new Error(`bad Content-Length "${length}"`)
    this.left = Number(length)
    this.state = 'length'
    if (this.left === 0) this.finish()
  }

  private readData(data: Buffer, at: number, onBody: (chunk: Buffer) => void): number {
    const take = Math.min(this.left, data.length - at)
    onBody(at === 0 && take === data.length ? data : data.subarray(at, at + take))
    this.left -= take
    if (this.left === 0) {
      if (this.state === 'length') this.finish()
      else this.state = 'data-end'
    }
    return at + take
  }

  private readDataEnd(data: Buffer, at: number): number {
    const byte = data[at]
    if (byte === LF) this.state = 'size'
    else if (byte !== CR) throw new Error('a chunk does not end with CRLF')
    return at + 1
  }

  /** A chunk-size line or a trailer line, gathered up to its LF. */
  private readLine(data: Buffer, at: number): number {
    const lf = data.indexOf(LF, at)
    const end = lf < 0 ? data.length : lf
    this.line += data.toString('latin1', at, end)
    if (this.line.length > MAX_LINE_BYTES) throw new Error('a chunk header is too long')
    if (lf < 0) return data.length
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line
    this.line = ''
    if (this.state === 'size') this.onSizeLine(line)
    else if (line === '') this.finish() // the blank line after the trailers
    return lf + 1
  }

  // `<hex>[;extension]`, read by hand: one per 32 KiB of a docker save, no regex needed.
  private onSizeLine(line: string): void {
    let size = 0
    let digits = 0
    for (; digits < line.length; digits++) {
      const digit = HEX.indexOf(line[digits].toLowerCase())
      if (digit < 0) break
      size = size * 16 + digit
    }
    const rest = line.slice(digits).trimStart()
    if (digits === 0 || digits > 12 || (rest !== '' && !rest.startsWith(';'))) {
      throw new Error(`bad chunk size "${line.slice(0, 20)}"`)
    }
    this.left = size
    this.state = size === 0 ? 'trailer' : 'data'
  }

  private finish(): void {
    this.state = 'done'
    this.complete = true
  }
}
