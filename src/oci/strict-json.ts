/**
 * Strict JSON: a document must mean the same thing to Drydock as to the Go clients that pull it
 * (skopeo, podman, docker, containerd decode with encoding/json v1). Where the two could read it
 * differently, the document is refused instead of interpreted:
 *
 * - duplicate keys in any object (after unescaping, so `"con\u0066ig"` is the key `config`);
 * - in objects Go decodes into structs (described by a JsonShape), a key that is not the exact
 *   spelling of a field but case-folds to one: Go matches `"Layers"`, `"LAYERS"` and even
 *   `"layer\u017f"` (U+017F LONG S folds to 's'; U+212A KELVIN SIGN to 'k') to the field
 *   `layers`, preferring the exact spelling, then the last folded occurrence;
 * - lone UTF-16 surrogates (Go turns them into U+FFFD, so two distinct keys could collide);
 * - a byte order mark (Go refuses it; TextDecoder would silently drop it);
 * - nesting deeper than a limit.
 *
 * The check is one linear, iterative pass (no recursion, so no stack to exhaust) that runs before
 * JSON.parse; JSON.parse then only ever sees bounded, unambiguous input. Pure: no I/O.
 */

/** What Go decodes a JSON value into, as far as key matching is concerned. */
export type JsonShape =
  | { readonly kind: 'any' }
  | { readonly kind: 'map'; readonly values: JsonShape }
  | { readonly kind: 'array'; readonly items: JsonShape }
  | {
    readonly kind: 'struct'
    readonly fields: ReadonlyMap<string, JsonShape>
    /** Go-folded field name → exact field name. */
    readonly folded: ReadonlyMap<string, string>
    /** Longest field name: a longer key cannot fold to any field. */
    readonly longest: number
  }

/** A value decoded without struct field matching (interface{}, strings, numbers...). */
export const ANY_JSON: JsonShape = { kind: 'any' }

/** A Go map: keys are matched exactly (case-sensitive), as Go does. */
export function mapOf(values: JsonShape = ANY_JSON): JsonShape {
  return { kind: 'map', values }
}

export function arrayOf(items: JsonShape): JsonShape {
  return { kind: 'array', items }
}

/** A Go struct: `fields` are the JSON names of its fields (ASCII, as in the struct tags). */
export function structOf(fields: Readonly<Record<string, JsonShape>>): JsonShape {
  const names = Object.keys(fields)
  const folded = new Map<string, string>()
  for (const name of names) {
    if (!/^[\x20-\x7e]+$/.test(name)) throw new Error(`struct field names must be printable ASCII: ${name}`)
    // The first spelling names the field in messages; every exact spelling is accepted.
    if (!folded.has(goFoldKey(name))) folded.set(goFoldKey(name), name)
  }
  return { kind: 'struct', fields: new Map(Object.entries(fields)), folded, longest: Math.max(0, ...names.map((n) => n.length)) }
}

/**
 * The key as Go's case folding sees it, for comparison with ASCII field names only: ASCII
 * letters fold to upper case, and the only two non-ASCII characters whose fold set contains an
 * ASCII letter (U+017F → S, U+212A → K) fold to it. Every other character folds to something
 * non-ASCII, so it can never match an ASCII field name and is kept as it is.
 */
export function goFoldKey(key: string): string {
  let out = ''
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c >= 0x61 && c <= 0x7a) out += String.fromCharCode(c - 0x20)
    else if (c === 0x17f) out += 'S'
    else if (c === 0x212a) out += 'K'
    else out += key[i]
  }
  return out
}

export const DEFAULT_MAX_JSON_DEPTH = 64
/** Values (objects, arrays, strings, numbers, literals) one document may hold; bounds parse time and memory. */
export const DEFAULT_MAX_JSON_VALUES = 100_000

/** Bounds on a document's cost; the defaults above when absent. */
export interface JsonLimits {
  /** Objects and arrays nested deeper than this are refused (the top-level one is depth 1). */
  readonly maxDepth?: number
  /** Documents with more values than this are refused (keys are not values). */
  readonly maxValues?: number
}

export interface StrictJsonOptions extends JsonLimits {
  /** What the top-level value is decoded into by Go (default: no struct matching). */
  readonly shape?: JsonShape
}

/** A document refused by the strict rules; `reason` names the offending key or construct. */
export class StrictJsonError extends Error {
  readonly reason: string
  /** Where, as a JSONPath-like string (`$.layers[1]`). */
  readonly path: string

  constructor(reason: string, path: string) {
    super(`${reason} (at ${path})`)
    this.name = 'StrictJsonError'
    this.reason = reason
    this.path = path
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes UTF-8 bytes; invalid UTF-8 is refused, and a BOM is kept so that the validator refuses it. */
function decodeJsonBytes(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes)
  } catch {
    throw new StrictJsonError('not valid UTF-8', '$')
  }
}

/** Validates with the strict rules, then parses. Throws StrictJsonError (or never returns). */
export function parseStrictJson(input: Uint8Array | string, opts: StrictJsonOptions = {}): unknown {
  const text = typeof input === 'string' ? input : decodeJsonBytes(input)
  validateStrictJson(text, opts)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    // Unreachable when the validator is right; kept so a gap shows as a refusal, not a 500.
    throw new StrictJsonError(`not valid JSON (${(err as Error).message})`, '$')
  }
}

interface Frame {
  readonly isObject: boolean
  readonly shape: JsonShape
  /** Keys seen so far (objects): a short array, then a Set once the object grows. */
  keys: string[] | Set<string> | undefined
  /** The key whose value is being read (objects), undefined while reading a key. */
  key: string | undefined
  /** The element being read (arrays). */
  index: number
  /** Struct objects: the folded names of the fields set so far. */
  folds: Set<string> | undefined
}

/** Objects with more keys than this track them in a Set; smaller ones in an array (cheaper). */
const SMALL_OBJECT_KEYS = 16

/** Quotes a key for an error message, with anything outside printable ASCII as \uXXXX. */
function quoteKey(key: string): string {
  const shown = key.length > 80 ? `${key.slice(0, 80)}...` : key
  return `"${shown.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`
}

function pathOf(stack: readonly Frame[]): string {
  let p = '$'
  for (const f of stack) {
    if (!f.isObject) p += `[${f.index}]`
    else if (f.key !== undefined) p += /^[A-Za-z_][A-Za-z0-9_]*$/.test(f.key) ? `.${f.key}` : `[${quoteKey(f.key)}]`
  }
  return p
}

/** Character codes the scanner compares against. */
const C = {
  SPACE: 0x20, TAB: 0x09, LF: 0x0a, CR: 0x0d, QUOTE: 0x22, BACKSLASH: 0x5c, COMMA: 0x2c, COLON: 0x3a,
  LBRACE: 0x7b, RBRACE: 0x7d, LBRACKET: 0x5b, RBRACKET: 0x5d, MINUS: 0x2d, PLUS: 0x2b, DOT: 0x2e,
  ZERO: 0x30, NINE: 0x39, BOM: 0xfeff,
} as const

function isDigit(c: number): boolean {
  return c >= C.ZERO && c <= C.NINE
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

function childShape(shape: JsonShape, key: string | undefined): JsonShape {
  if (shape.kind === 'array') return shape.items
  if (shape.kind === 'map') return shape.values
  if (shape.kind === 'struct' && key !== undefined) return shape.fields.get(key) ?? ANY_JSON
  return ANY_JSON
}

/**
 * The validation pass alone (JSON grammar, depth, duplicates, Go field folding, surrogates, BOM).
 * Linear in the input: every character is looked at a bounded number of times.
 */
export function validateStrictJson(text: string, opts: StrictJsonOptions = {}): void {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_JSON_DEPTH
  const maxValues = opts.maxValues ?? DEFAULT_MAX_JSON_VALUES
  let values = 0
  const stack: Frame[] = []
  const n = text.length
  let pos = 0
  const fail = (reason: string): never => {
    throw new StrictJsonError(reason, pathOf(stack))
  }
  const describe = (at: number): string => (at >= n ? 'the end of the document' : `character ${quoteKey(text[at] ?? '')} at offset ${at}`)

  const skipWs = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos)
      if (c !== C.SPACE && c !== C.TAB && c !== C.LF && c !== C.CR) return
      pos++
    }
  }

  /** Reads a string starting at the opening quote; returns its value when `decode`. */
  const readString = (decode: boolean): string => {
    let out = ''
    let chunkStart = ++pos
    for (;;) {
      if (pos >= n) fail('unterminated string')
      const c = text.charCodeAt(pos)
      if (c === C.QUOTE) {
        if (decode) out += text.slice(chunkStart, pos)
        pos++
        return out
      }
      if (c < 0x20) fail(`control character U+${c.toString(16).padStart(4, '0')} in a string`)
      if (c === C.BACKSLASH) {
        if (decode) out += text.slice(chunkStart, pos)
        const e = text.charCodeAt(pos + 1)
        if (e === 0x75 /* u */) {
          const unit = readHex4(pos + 2)
          pos += 6
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const low = text.charCodeAt(pos) === C.BACKSLASH && text.charCodeAt(pos + 1) === 0x75 ? readHex4(pos + 2) : -1
            if (low < 0xdc00 || low > 0xdfff) fail('unpaired UTF-16 surrogate escape in a string')
            pos += 6
            if (decode) out += String.fromCharCode(unit, low)
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            fail('unpaired UTF-16 surrogate escape in a string')
          } else if (decode) {
            out += String.fromCharCode(unit)
          }
        } else {
          const simple = ESCAPES[e]
          if (simple === undefined) fail(`invalid escape in a string at offset ${pos}`)
          if (decode) out += simple
          pos += 2
        }
        chunkStart = pos
        continue
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        // Only reachable for string input: decoded UTF-8 never holds a lone surrogate.
        const next = text.charCodeAt(pos + 1)
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) fail('unpaired UTF-16 surrogate in a string')
        pos += 2
        continue
      }
      pos++
    }
  }

  const readHex4 = (at: number): number => {
    let v = 0
    for (let i = 0; i < 4; i++) {
      const h = hexValue(text.charCodeAt(at + i))
      if (h < 0) fail(`invalid \\u escape in a string at offset ${at - 2}`)
      v = v * 16 + h
    }
    return v
  }

  const readNumber = (): void => {
    const start = pos
    if (text.charCodeAt(pos) === C.MINUS) pos++
    if (text.charCodeAt(pos) === C.ZERO) pos++
    else if (isDigit(text.charCodeAt(pos))) while (isDigit(text.charCodeAt(pos))) pos++
    else fail(`invalid number at offset ${start}`)
    if (text.charCodeAt(pos) === C.DOT) {
      pos++
      if (!isDigit(text.charCodeAt(pos))) fail(`invalid number at offset ${start}`)
      while (isDigit(text.charCodeAt(pos))) pos++
    }
    const e = text.charCodeAt(pos)
    if (e === 0x65 || e === 0x45) {
      pos++
      const s = text.charCodeAt(pos)
      if (s === C.PLUS || s === C.MINUS) pos++
      if (!isDigit(text.charCodeAt(pos))) fail(`invalid number at offset ${start}`)
      while (isDigit(text.charCodeAt(pos))) pos++
    }
  }

  const readLiteral = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length
    else fail(`unexpected ${describe(pos)}`)
  }

  /** Reads `"key" :` of the object on top of the stack, applying the duplicate and folding rules. */
  const readKey = (frame: Frame): void => {
    frame.key = undefined
    if (text.charCodeAt(pos) !== C.QUOTE) fail(`expected a quoted key, found ${describe(pos)}`)
    const key = readString(true)
    const keys = frame.keys
    if (keys === undefined) frame.keys = [key]
    else if (Array.isArray(keys)) {
      if (keys.includes(key)) fail(`duplicate key ${quoteKey(key)}`)
      if (keys.length < SMALL_OBJECT_KEYS) keys.push(key)
      else frame.keys = new Set([...keys, key])
    } else {
      if (keys.has(key)) fail(`duplicate key ${quoteKey(key)}`)
      keys.add(key)
    }
    const shape = frame.shape
    if (shape.kind === 'struct' && key.length <= shape.longest) {
      const folded = goFoldKey(key)
      const field = shape.folded.get(folded)
      if (field !== undefined && !shape.fields.has(key)) {
        fail(`key ${quoteKey(key)} is not the exact spelling of the field ${quoteKey(field)}, but Go clients would read it as that field`)
      }
      // Two exact spellings of one field (`size` in one client's struct, `Size` in another's).
      if (field !== undefined) {
        const seen = (frame.folds ??= new Set())
        if (seen.has(folded)) fail(`key ${quoteKey(key)} names the same field as an earlier key, differing only in case`)
        seen.add(folded)
      }
    }
    frame.key = key
    skipWs()
    if (text.charCodeAt(pos) !== C.COLON) fail(`expected ':' after key ${quoteKey(key)}, found ${describe(pos)}`)
    pos++
    skipWs()
  }

  if (text.charCodeAt(0) === C.BOM) fail('the document starts with a byte order mark (U+FEFF), which JSON does not allow')
  skipWs()
  if (pos >= n) fail('empty document')
  let shape = opts.shape ?? ANY_JSON
  for (;;) {
    // A value starts at pos.
    if (++values > maxValues) fail(`more than ${maxValues} JSON values`)
    const c = text.charCodeAt(pos)
    let opened = false
    if (c === C.LBRACE || c === C.LBRACKET) {
      if (stack.length >= maxDepth) fail(`JSON nested deeper than ${maxDepth} levels`)
      const isObject = c === C.LBRACE
      const fits = isObject ? shape.kind === 'struct' || shape.kind === 'map' : shape.kind === 'array'
      const frame: Frame = { isObject, shape: fits ? shape : ANY_JSON, keys: undefined, key: undefined, index: 0, folds: undefined }
      stack.push(frame)
      pos++
      skipWs()
      if (text.charCodeAt(pos) === (isObject ? C.RBRACE : C.RBRACKET)) {
        stack.pop()
        pos++
      } else {
        if (isObject) readKey(frame)
        shape = childShape(frame.shape, frame.key)
        opened = true
      }
    } else if (c === C.QUOTE) readString(false)
    else if (c === C.MINUS || isDigit(c)) readNumber()
    else if (c === 0x74) readLiteral('true')
    else if (c === 0x66) readLiteral('false')
    else if (c === 0x6e) readLiteral('null')
    else fail(`unexpected ${describe(pos)}`)
    if (opened) continue

    // After a value: close finished containers, then move to the next element.
    for (;;) {
      skipWs()
      const top = stack[stack.length - 1]
      if (top === undefined) {
        if (pos < n) fail(`unexpected ${describe(pos)} after the document`)
        return
      }
      const d = text.charCodeAt(pos)
      if (d === C.COMMA) {
        pos++
        skipWs()
        if (top.isObject) readKey(top)
        else top.index++
        shape = childShape(top.shape, top.key)
        break
      }
      if (d === (top.isObject ? C.RBRACE : C.RBRACKET)) {
        stack.pop()
        pos++
        continue
      }
      fail(`expected ',' or '${top.isObject ? '}' : ']'}', found ${describe(pos)}`)
    }
  }
}

/** What each single-character escape stands for, by the escape character's code (undefined: invalid). */
const ESCAPES: readonly (string | undefined)[] = (() => {
  const table: (string | undefined)[] = new Array<string | undefined>(128).fill(undefined)
  for (const [c, v] of [['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']] as const) table[c.charCodeAt(0)] = v
  return table
})()
