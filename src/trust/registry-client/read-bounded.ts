// Reads a response body into memory, refusing more than `max` bytes (checked while streaming,
// so a lying or absent Content-Length cannot make us buffer a whole layer).
import { TrustError } from '../trust-errors.ts'

export async function readBounded(res: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel()
    throw new TrustError('TOO_LARGE', `${what} is ${declared} bytes, over the ${max}-byte limit`)
  }
  const chunks: Buffer[] = []
  let total = 0
  if (!res.body) return Buffer.alloc(0)
  for await (const chunk of res.body) {
    total += chunk.byteLength
    if (total > max) {
      await res.body.cancel().catch(() => {})
      throw new TrustError('TOO_LARGE', `${what} is over the ${max}-byte limit`)
    }
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}
