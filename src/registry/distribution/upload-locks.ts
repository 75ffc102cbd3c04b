/**
 * One operation at a time per upload session (in this process). Without it a commit or a chunk
 * racing a cancel of the same session removed the directory under the other request's feet
 * (ENOENT/ENOTEMPTY, a 500) or recreated it after the cancel (a directory without a session).
 *
 *  - write (a chunk, a commit): refused with BLOB_UPLOAD_INVALID while another write runs (two
 *    writers would interleave bytes); waits for a status read to finish.
 *  - read (status): never waits; a caller that cannot take the lock answers from the metadata row.
 *  - cancel (DELETE, the purge): aborts whatever holds the session and waits until it has let go,
 *    so cancelling a chunk that is still streaming in takes effect at once. The aborted request
 *    sees its signal's reason, BLOB_UPLOAD_UNKNOWN.
 * While a cancel holds a session, every other operation gets BLOB_UPLOAD_UNKNOWN: it is going away.
 */
import { uploadBusy, uploadUnknown } from './errors.ts'

export type LockKind = 'read' | 'write' | 'cancel'

export interface HeldLock {
  /** Aborted when a cancel takes the session away from this holder. */
  readonly signal: AbortSignal
  release(): void
}

interface Holder {
  readonly kind: LockKind
  readonly abort: AbortController
  readonly released: Promise<void>
}

export class UploadLocks {
  readonly #holders = new Map<string, Holder>()

  /** What currently holds the session, if anything. */
  holder(id: string): LockKind | undefined {
    return this.#holders.get(id)?.kind
  }

  /** Takes the lock at once, or returns undefined when the session is held. */
  tryAcquire(id: string, kind: LockKind): HeldLock | undefined {
    return this.#holders.has(id) ? undefined : this.#take(id, kind)
  }

  /** Takes the lock as described above; throws BLOB_UPLOAD_INVALID or BLOB_UPLOAD_UNKNOWN instead of waiting where it must not. */
  async acquire(id: string, kind: LockKind): Promise<HeldLock> {
    for (;;) {
      const h = this.#holders.get(id)
      if (!h) return this.#take(id, kind)
      if (h.kind === 'cancel') throw uploadUnknown(id)
      if (kind === 'write' && h.kind === 'write') throw uploadBusy(id)
      if (kind === 'cancel') h.abort.abort(uploadUnknown(id))
      await h.released
    }
  }

  #take(id: string, kind: LockKind): HeldLock {
    const abort = new AbortController()
    let release = (): void => undefined
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const holder: Holder = { kind, abort, released }
    this.#holders.set(id, holder)
    return {
      signal: abort.signal,
      release: () => {
        if (this.#holders.get(id) === holder) this.#holders.delete(id)
        release()
      },
    }
  }
}
