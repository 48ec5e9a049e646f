// Walks the frame structure of a zstd stream (RFC 8878 §3.1) without decoding it.
//
// Why: Node's built-in zstd decoder (node24, nodejs/node#64741) stops after the first frame,
// returns nothing when the stream opens with a skippable frame, and ends quietly on a truncated
// frame. zstd:chunked layers are many frames plus skippable ones. So we find the frame
// boundaries here, drop skippable frames, give each real frame to a fresh decoder, and report
// a stream that stops inside a frame.

export const FRAME_END = Symbol('zstd frame end')
export type FramePart = Buffer | typeof FRAME_END

type State =
  | 'magic'
  | 'skip-size'
  | 'skip-body'
  | 'fhd'
  | 'frame-header'
  | 'block-header'
  | 'block-body'
  | 'checksum'

const ZSTD_MAGIC = 0xfd2fb528
const BLOCK_RLE = 1
const BLOCK_RESERVED = 3

export class ZstdFrameScanner {
  private state: State = 'magic'
  private readonly header = Buffer.alloc(16)
  private headerBytes = 0
  private need = 4
  private remaining = 0 // bytes left in a block body or skippable frame
  private lastBlock = false
  private checksum = false
  private inFrame = false
  private offset = 0 // stream offset, for error messages
  private frames = 0

  /** Splits a chunk into the bytes of zstd frames (skippable frames dropped) and frame ends. */
  push(chunk: Buffer): FramePart[] {
    const parts: FramePart[] = []
    let pos = 0
    let start = this.inFrame ? 0 : -1 // where forwarded bytes of this chunk begin
    while (pos < chunk.length) {
      if (this.state === 'block-body' || this.state === 'skip-body') {
        const n = Math.min(this.remaining, chunk.length - pos)
        pos += n
        this.remaining -= n
        if (this.remaining === 0) this.afterBody()
      } else {
        const magicAt = pos - this.headerBytes // negative when the magic began in an earlier chunk
        while (this.headerBytes < this.need && pos < chunk.length)
          this.header[this.headerBytes++] = chunk[pos++]
        if (this.headerBytes < this.need) break
        const started = this.onHeader(this.offset + pos)
        if (started) start = this.frameStart(parts, magicAt)
      }
      if (this.state === 'magic' && this.inFrame) {
        parts.push(chunk.subarray(start, pos), FRAME_END)
        this.inFrame = false
        start = -1
      }
    }
    if (this.inFrame && start >= 0 && start < chunk.length)
      parts.push(chunk.subarray(start, chunk.length))
    this.offset += chunk.length
    return parts
  }

  /** Throws when the stream stopped inside a frame. */
  end(): void {
    if (this.state === 'magic' && this.headerBytes === 0 && this.frames > 0) return
    if (this.frames === 0 && this.headerBytes === 0 && this.state === 'magic') {
      throw new Error('the zstd stream holds no frames')
    }
    throw new Error('the zstd stream ends in the middle of a frame')
  }

  // A magic split across two chunks: its first bytes were never in a forwarded range.
  private frameStart(parts: FramePart[], magicAt: number): number {
    if (magicAt >= 0) return magicAt
    parts.push(Buffer.from(ZSTD_MAGIC_BYTES.slice(0, -magicAt)))
    return 0
  }

  /** Acts on a complete header; returns true when a zstd frame's magic was just read. */
  private onHeader(at: number): boolean {
    const h = this.header
    switch (this.state) {
      case 'magic':
        return this.onMagic(h.readUInt32LE(0), at)
      case 'skip-size':
        return this.expectBody('skip-body', h.readUInt32LE(0))
      case 'fhd':
        return this.onFrameDescriptor(h[0], at)
      case 'frame-header':
        return this.expect('block-header', 3)
      case 'block-header':
        return this.onBlockHeader(h[0] | (h[1] << 8) | (h[2] << 16), at)
      case 'checksum':
        return this.endFrame()
    }
    return false
  }

  private onMagic(magic: number, at: number): boolean {
    if (magic === ZSTD_MAGIC) {
      this.inFrame = true
      this.frames++
      this.expect('fhd', 1)
      return true
    }
    if (magic >>> 4 === 0x184d2a5) return this.expect('skip-size', 4)
    throw new Error(`the zstd stream has no frame at byte ${at - 4} (found ${hex(this.header, 4)})`)
  }

  private onFrameDescriptor(fhd: number, at: number): boolean {
    if (fhd & 0x08) throw new Error(`the zstd frame header at byte ${at - 1} is corrupt`)
    const singleSegment = (fhd >> 5) & 1
    const fcsFlag = fhd >> 6
    const dictBytes = [0, 1, 2, 4][fhd & 3]
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag
    this.checksum = (fhd & 0x04) !== 0
    const rest = (singleSegment ? 0 : 1) + dictBytes + fcsBytes
    return rest === 0 ? this.expect('block-header', 3) : this.expect('frame-header', rest)
  }

  private onBlockHeader(bits: number, at: number): boolean {
    const type = (bits >> 1) & 3
    if (type === BLOCK_RESERVED) throw new Error(`the zstd block at byte ${at - 3} is corrupt`)
    this.lastBlock = (bits & 1) === 1
    const size = type === BLOCK_RLE ? 1 : bits >>> 3
    if (size > 0) return this.expectBody('block-body', size)
    this.afterBody()
    return false
  }

  private afterBody(): void {
    if (this.state === 'skip-body') this.expect('magic', 4)
    else if (!this.lastBlock) this.expect('block-header', 3)
    else if (this.checksum) this.expect('checksum', 4)
    else this.endFrame()
  }

  private endFrame(): boolean {
    this.expect('magic', 4) // push() sees `magic` with inFrame set and closes the frame
    return false
  }

  private expect(state: State, need: number): boolean {
    this.state = state
    this.need = need
    this.headerBytes = 0
    return false
  }

  private expectBody(state: 'skip-body' | 'block-body', size: number): boolean {
    this.expect(state, 0)
    this.remaining = size
    if (size === 0) this.afterBody()
    return false
  }
}

const ZSTD_MAGIC_BYTES = [0x28, 0xb5, 0x2f, 0xfd]

function hex(b: Buffer, n: number): string {
  return Array.from(b.subarray(0, n), x => x.toString(16).padStart(2, '0')).join(' ')
}
