/** Test helper: seeded PRNG (mulberry32) and byte mutations, so fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A mutated copy: truncation, random bytes, or random/huge 32-bit words (biased to the first 64 KiB). */
export function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const mode = Math.floor(rnd() * 3)
  if (mode === 0) return src.slice(0, Math.floor(rnd() * src.byteLength))
  const out = new Uint8Array(src) // always a real copy (Buffer.slice() would not be one)
  const dv = new DataView(out.buffer)
  const hot = Math.min(out.byteLength, 65536)
  for (let i = 0, n = 1 + Math.floor(rnd() * 16); i < n; i++) {
    const at = Math.floor(rnd() * (rnd() < 0.6 ? hot : out.byteLength))
    if (mode === 1) out[at] = Math.floor(rnd() * 256)
    else if (at + 4 <= out.byteLength) dv.setUint32(at, rnd() < 0.5 ? 0xffffffff : Math.floor(rnd() * 2 ** 32))
  }
  return out
}
