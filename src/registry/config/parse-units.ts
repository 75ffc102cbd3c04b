// Human units for config values: durations (`90s`, `24h`, `500ms`) and sizes (`4MiB`, `512KB`).

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
}

/** A number is taken as milliseconds. Throws a readable Error on anything else. */
export function parseDuration(raw: unknown, what: string): number {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return raw
  const m = typeof raw === 'string' ? /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(raw.trim()) : null
  const unit = m ? DURATION_UNITS[m[2] ?? ''] : undefined
  if (!m || unit === undefined) throw new Error(`${what}: invalid duration ${JSON.stringify(raw)} (e.g. 30s, 10m, 24h)`)
  return Math.round(Number(m[1]) * unit)
}

/** A number is taken as bytes. `allowZero` for limits where 0 means "no limit". */
export function parseSize(raw: unknown, what: string, opts: { readonly allowZero?: boolean } = {}): number {
  const min = opts.allowZero ? 0 : 1
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= min) return raw
  const m = typeof raw === 'string' ? /^(\d+)\s*([a-zA-Z]*)$/.exec(raw.trim()) : null
  const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined
  const bytes = m && unit !== undefined ? Number(m[1]) * unit : NaN
  if (!Number.isSafeInteger(bytes) || bytes < min) throw new Error(`${what}: invalid size ${JSON.stringify(raw)} (e.g. 4MiB)`)
  return bytes
}

/** A non-negative integer count (0 = no limit), from a number or a decimal string. */
export function parseCount(raw: unknown, what: string): number {
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: invalid count ${JSON.stringify(raw)} (e.g. 100)`)
  return n
}

const SIZE_NAMES: readonly (readonly [string, number])[] = [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]]

/** `10 GiB` when the size is a whole number of a binary unit, else `12345 bytes`; for messages. */
export function formatSize(bytes: number): string {
  for (const [name, unit] of SIZE_NAMES) if (bytes >= unit && bytes % unit === 0) return `${bytes / unit} ${name}`
  return `${bytes} bytes`
}
