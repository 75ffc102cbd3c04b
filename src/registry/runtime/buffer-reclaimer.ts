/**
 * Keeps dead I/O buffers from piling up while blobs stream through the server.
 *
 * Every chunk a socket or file read hands us is a fresh off-heap buffer, freed only when V8
 * collects its small JS wrapper. V8 paces young-generation collections by JS heap allocation,
 * which streaming barely does, and reacts to off-heap growth only after tens of MiB. Measured on
 * a 3 x 100 MiB push: dead buffers added ~50 MiB of RSS. So the streaming paths report the bytes
 * they have finished with, and every `budgetBytes` we run a minor collection (a scavenge: well
 * under a millisecond, as everything in the young generation is short-lived), which frees them.
 * Peak dead-buffer memory is then about one budget, whatever the transfer size or concurrency.
 */
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Bytes of streamed buffers between two minor collections. */
export const DEFAULT_BUDGET_BYTES = 8 * 1024 * 1024

export interface BufferReclaimer {
  /** Records `bytes` of buffers the caller no longer references; may run a minor collection. */
  released(bytes: number): void
  /** Minor collections run so far. */
  readonly collections: number
}

type Collect = () => void

/**
 * V8's `gc()` function, obtained without starting Node with --expose-gc: the flag is switched
 * on just long enough to create one context that has it, so no other code sees a global gc.
 * undefined if the runtime refuses (then buffers are reclaimed by V8's own heuristics only).
 */
export function minorGc(): Collect | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc
  // Started with --expose-gc already (some test setups): use it, leave the flag alone.
  if (typeof exposed === 'function') return () => (exposed as (opts: { type: string }) => void)({ type: 'minor' })
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    if (typeof gc !== 'function') return undefined
    return () => (gc as (opts: { type: string }) => void)({ type: 'minor' })
  } catch {
    return undefined
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}

export function createBufferReclaimer(budgetBytes: number, collect: Collect | undefined): BufferReclaimer {
  let pending = 0
  let collections = 0
  return {
    released(bytes) {
      if (collect === undefined) return
      pending += bytes
      if (pending < budgetBytes) return
      pending = 0
      collections++
      collect()
    },
    get collections() {
      return collections
    },
  }
}

let shared: BufferReclaimer | undefined

/** The process-wide reclaimer: one budget shared by all concurrent transfers. */
export function bufferReclaimer(): BufferReclaimer {
  shared ??= createBufferReclaimer(DEFAULT_BUDGET_BYTES, minorGc())
  return shared
}

/**
 * Marks a stream that keeps its own buffers in check (reuses them, or reports them to the
 * reclaimer itself): reclaiming() passes it through untouched, so its consumer sees the stream
 * itself (storage/filesystem/file-body.ts relies on that to spot a socket it can write to).
 */
export const SELF_RECLAIMING = Symbol('drydock.selfReclaiming')

/**
 * Passes the chunks of `source` through unchanged, reporting each one to `reclaimer` once the
 * consumer has asked for the next. Destroying the result destroys `source`. A SELF_RECLAIMING
 * source is returned as it is.
 */
export function reclaiming(source: Readable, reclaimer: BufferReclaimer = bufferReclaimer()): Readable {
  if ((source as { [SELF_RECLAIMING]?: unknown })[SELF_RECLAIMING] === true) return source
  async function* chunks(): AsyncIterable<Uint8Array> {
    for await (const chunk of source) {
      const bytes = chunk as Uint8Array
      yield bytes
      reclaimer.released(bytes.byteLength)
    }
  }
  // Byte mode with a 1-byte mark: hold at most one chunk here, the file stream buffers the rest.
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 })
}
