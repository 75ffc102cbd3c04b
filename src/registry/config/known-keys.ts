/**
 * Refuses unknown keys in the JSON config file, with a suggestion ("scaning" → "scanning").
 * The known keys are exactly the ones the loader reads: each object of the file is wrapped so that
 * every key the loader asks for is recorded, and afterwards any key it never asked for is a typo
 * or a setting this version does not have. A new setting is thus known as soon as it is read,
 * with no second list to keep in step.
 */

export class KeyTracker {
  readonly #read = new Map<object, { readonly where: string; readonly keys: Set<string> }>()

  /** `obj` as a view that records the keys read from it; `where` names it in messages. */
  track<T extends Record<string, unknown>>(obj: T, where: string): T {
    const entry = this.#read.get(obj) ?? { where, keys: new Set<string>() }
    this.#read.set(obj, entry)
    return new Proxy(obj, {
      get(target, key, receiver) {
        if (typeof key === 'string') entry.keys.add(key)
        return Reflect.get(target, key, receiver)
      },
    })
  }

  /** Throws an Error naming the first key that was never read, with the closest known key. */
  assertAllRead(file: string): void {
    for (const [obj, { where, keys }] of this.#read) {
      for (const key of Object.keys(obj)) {
        if (keys.has(key)) continue
        const name = where === '' ? key : `${where}.${key}`
        const hint = closest(key, [...keys])
        const known = [...keys].sort().map((k) => `"${k}"`).join(', ')
        throw new Error(`config file ${file}: unknown setting "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; known here: ${known}`)
      }
    }
  }
}

/** The candidate nearest to `word` when it is a plausible typo of it (case-insensitive edit distance). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length] ?? 0
}
