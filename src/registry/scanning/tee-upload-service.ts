/**
 * TeeUploadService: the upload service with scan-while-pushing. Every session this process
 * starts (offset 0) gets a tap from UploadAnalyses; each chunk is offered to it before it is
 * written, and the tap is committed only when the blob was stored under its verified digest.
 *
 * A tap only ever sees a session's bytes from offset 0 and in order: a session resumed after a
 * restart has no tap (the map is in memory), and anything that could leave a gap or an unknown
 * offset (a failed or concurrent request, a range the tap did not see) drops it, so the layer is
 * analysed from storage after the manifest instead. Idle taps are dropped too, so an abandoned
 * upload does not hold an analysis slot.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import { UploadService, type UploadDeps, type UploadSession } from '../distribution/upload-service.ts'
import type { IoOptions } from '../storage/driver.ts'
import type { UploadAnalyses, UploadTap } from './upload-analyses.ts'

interface Tapped {
  readonly tap: UploadTap
  /** Bytes offered to the tap = the session offset while the tap is valid. */
  seen: number
  busy: boolean
  idle: NodeJS.Timeout | undefined
}

/** A tap that sees no request for this long is dropped. */
const IDLE_MS = 60_000

export class TeeUploadService extends UploadService {
  readonly #analyses: UploadAnalyses
  readonly #taps = new Map<string, Tapped>()

  constructor(deps: UploadDeps, analyses: UploadAnalyses) {
    super(deps)
    this.#analyses = analyses
  }

  override async start(repo: RepositoryName, owner?: string): Promise<UploadSession> {
    const session = await super.start(repo, owner)
    const tap = this.#analyses.open(repo)
    if (tap) {
      const t: Tapped = { tap, seen: 0, busy: false, idle: undefined }
      this.#taps.set(session.id, t)
      this.#touch(session.id, t)
    }
    return session
  }

  override async append(repo: RepositoryName, id: string, body: AsyncIterable<Uint8Array>, start?: number, opts: IoOptions = {}): Promise<UploadSession> {
    const t = this.#claim(id, start)
    if (!t) return super.append(repo, id, body, start, opts)
    try {
      const session = await super.append(repo, id, this.#feed(t, body), start, opts)
      if (session.offset !== t.seen) this.#drop(id, 'upload offset and teed bytes differ')
      return session
    } catch (err) {
      this.#drop(id, 'upload request failed')
      throw err
    } finally {
      t.busy = false
    }
  }

  override async commit(repo: RepositoryName, id: string, expected: Digest, last?: AsyncIterable<Uint8Array>, opts: IoOptions = {}): Promise<number> {
    const t = this.#claim(id, undefined)
    if (!t) return super.commit(repo, id, expected, last, opts)
    let size: number
    try {
      size = await super.commit(repo, id, expected, last ? this.#feed(t, last) : undefined, opts)
    } catch (err) {
      this.#drop(id, 'upload not committed')
      throw err
    }
    this.#release(id, t)
    // A tap that dropped itself (bad content, fell behind) still reports why through commit.
    if (size === t.seen) t.tap.commit(expected)
    else t.tap.abort('committed size and teed bytes differ')
    return size
  }

  override async cancel(repo: RepositoryName, id: string, requester?: string): Promise<void> {
    try {
      await super.cancel(repo, id, requester)
    } finally {
      this.#drop(id, 'upload cancelled')
    }
  }

  /** The session's tap, marked busy, when this request continues exactly where it left off. */
  #claim(id: string, start: number | undefined): Tapped | undefined {
    const t = this.#taps.get(id)
    if (!t) return undefined
    if (t.busy || !t.tap.active || (start !== undefined && start !== t.seen)) {
      this.#drop(id, t.busy ? 'concurrent requests on one upload' : 'upload not seen from its start')
      return undefined
    }
    t.busy = true
    this.#touch(id, t)
    return t
  }

  async *#feed(t: Tapped, body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const chunk of body) {
      t.seen += chunk.length
      if (t.tap.active) {
        const wait = t.tap.write(chunk)
        if (wait) await wait
      }
      yield chunk
    }
  }

  #touch(id: string, t: Tapped): void {
    clearTimeout(t.idle)
    t.idle = setTimeout(() => this.#drop(id, 'upload idle'), IDLE_MS)
    t.idle.unref()
  }

  #release(id: string, t: Tapped): void {
    clearTimeout(t.idle)
    this.#taps.delete(id)
  }

  #drop(id: string, reason: string): void {
    const t = this.#taps.get(id)
    if (!t) return
    this.#release(id, t)
    t.tap.abort(reason)
  }
}
