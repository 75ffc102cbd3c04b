/**
 * Wrappers around the byte stream of one upload chunk, applied by the upload service between the
 * request body and the storage writer. Each passes chunks through unchanged until its condition
 * stops the stream with an error; none buffers.
 */
import type { Digester } from '../../oci/digest.ts'

/** Feeds every chunk to `hash` on its way through. */
export async function* tap(source: AsyncIterable<Uint8Array>, hash: Digester): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk)
    yield chunk
  }
}

/**
 * Ends with `signal.reason` as soon as `signal` aborts, also while waiting for a chunk that has
 * not arrived yet (a slow or stalled client must not delay a cancel).
 */
export async function* abortable(source: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncIterable<Uint8Array> {
  const it = source[Symbol.asyncIterator]()
  let finished = false
  try {
    for (;;) {
      const next = await nextOrAbort(it, signal)
      if (next.done) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    // Not awaited: an async generator runs return() only after its pending next() settles.
    if (!finished) void Promise.resolve(it.return?.()).catch(() => undefined)
  }
}

/**
 * The next chunk, or a rejection with `signal.reason`. A listener is added and removed per chunk:
 * racing every next() against one long-lived "aborted" promise would leave a reaction on it per
 * chunk, each keeping that chunk reachable until the upload ends (a 100 MiB layer held whole).
 */
function nextOrAbort(it: AsyncIterator<Uint8Array>, signal: AbortSignal): Promise<IteratorResult<Uint8Array>> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    it.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort)
        resolve(r)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      },
    )
  })
}

/**
 * Passes `source` through while it stays within `length` bytes, and throws `refuse(received)`
 * before yielding a byte past it, or at the end when fewer arrived.
 */
export async function* exactLength(source: AsyncIterable<Uint8Array>, length: number, refuse: (received: number) => Error): AsyncIterable<Uint8Array> {
  let received = 0
  for await (const chunk of source) {
    received += chunk.byteLength
    if (received > length) throw refuse(received)
    yield chunk
  }
  if (received !== length) throw refuse(received)
}

/** Calls `progress()` after a chunk whenever at least `everyMs` (by `now()`) passed since the last call. */
export async function* withProgress(source: AsyncIterable<Uint8Array>, now: () => number, everyMs: number, progress: () => Promise<void>): AsyncIterable<Uint8Array> {
  let last = now()
  for await (const chunk of source) {
    yield chunk
    if (now() - last >= everyMs) {
      last = now()
      await progress()
    }
  }
}
