/**
 * The contract of one file format `drydock pin` rewrites (ecs.ts, compose.ts, k8s.ts): find every
 * image reference with where it is written, then put pinned references in their place.
 *
 * The rewrite is a splice of the original text: only the characters of each image scalar change,
 * in the quoting style it was written in, so comments, key order, indentation, flow style and
 * number formatting stay exactly as they were (a JSON file is YAML too, which is how its string
 * positions are found). Finding uses the `yaml` package's Document API, whose nodes carry their
 * source ranges.
 */
import { isAlias, isScalar, type Document, Scalar } from 'yaml'

export type PinFormatName = 'ecs' | 'compose' | 'k8s'

export interface ImageSite {
  /** The image as written. */
  readonly image: string
  /** Where, for messages: `services.web.image`, `containerDefinitions[0].image`, `doc 2 (Deployment web) /spec/…`. */
  readonly where: string
  /** Source offsets of the scalar (quotes included). */
  readonly start: number
  readonly end: number
  readonly style: 'plain' | 'single' | 'double'
}

/** The file cannot be read as the format says (exit 2 in the command). */
export class PinFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PinFileError'
  }
}

/** Larger files are refused: a task definition or manifest set is a few KiB. */
export const MAX_PIN_FILE_BYTES = 8 * 1024 * 1024

/** The image scalar at `path` of a parsed document, as an ImageSite; undefined when there is none there. */
export function siteAt(doc: Document, path: readonly (string | number)[], where: string): ImageSite | undefined {
  const node = doc.getIn(path, true)
  if (node === undefined || node === null) return undefined
  if (isAlias(node)) throw new PinFileError(`${where}: an image written as a YAML alias (*name) is not supported; write the image there`)
  if (!isScalar(node) || typeof node.value !== 'string' || node.range === undefined || node.range === null) {
    throw new PinFileError(`${where}: an image must be a string`)
  }
  const style = node.type === Scalar.PLAIN ? 'plain' : node.type === Scalar.QUOTE_SINGLE ? 'single' : node.type === Scalar.QUOTE_DOUBLE ? 'double' : undefined
  if (style === undefined) throw new PinFileError(`${where}: an image written as a block scalar (| or >) is not supported; write it on one line`)
  return { image: node.value, where, start: node.range[0], end: node.range[1], style }
}

/** The first parse error of a document, as a PinFileError naming the file. */
export function parseFailure(file: string, doc: Document): PinFileError | undefined {
  const e = doc.errors[0]
  return e ? new PinFileError(`${file}: not valid ${e.name === 'YAMLParseError' ? 'YAML/JSON' : 'input'}: ${e.message.split('\n')[0]}`) : undefined
}

/**
 * `text` with `sites[i]` replaced by `replacements.get(i)`. Pinned references hold only
 * `[A-Za-z0-9._:/@-]`, which need no escaping in any of the three styles.
 */
export function spliceImages(text: string, sites: readonly ImageSite[], replacements: ReadonlyMap<number, string>): string {
  const order = [...replacements.keys()].sort((a, b) => (sites[b]?.start ?? 0) - (sites[a]?.start ?? 0))
  let out = text
  for (const i of order) {
    const site = sites[i]
    const value = replacements.get(i) ?? ''
    if (!site) continue
    if (!/^[A-Za-z0-9._:/@-]+$/.test(value)) throw new Error(`refusing to write an unexpected image reference ${JSON.stringify(value)}`)
    const quoted = site.style === 'double' ? `"${value}"` : site.style === 'single' ? `'${value}'` : value
    out = out.slice(0, site.start) + quoted + out.slice(site.end)
  }
  return out
}
