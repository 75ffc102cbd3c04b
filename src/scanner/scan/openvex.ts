/**
 * Reads OpenVEX documents (https://github.com/openvex/spec, v0.2.0) into VexStatements for the
 * gate. Products and subcomponents may be given as `@id` or `identifiers.purl`; the vulnerability
 * as `name` plus `aliases` (or, in older documents, a plain string). Malformed documents fail with
 * a clear message rather than suppressing nothing (or everything) silently.
 */
import { readFile, stat } from 'node:fs/promises'
import type { VexStatement, VexStatus } from './gate.ts'

const MAX_VEX_BYTES = 16 * 1024 * 1024
const STATUSES: ReadonlySet<string> = new Set(['not_affected', 'affected', 'fixed', 'under_investigation'])

export class VexError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VexError'
  }
}

type Obj = Record<string, unknown>

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function componentIds(list: unknown): string[] {
  if (!Array.isArray(list)) return []
  return list.flatMap((c): string[] => {
    if (typeof c === 'string') return [c]
    if (!isObj(c)) return []
    const ids = isObj(c['identifiers']) ? Object.values(c['identifiers']).filter((v): v is string => typeof v === 'string') : []
    return [...(typeof c['@id'] === 'string' ? [c['@id']] : []), ...ids]
  })
}

export function parseOpenVex(doc: unknown, name = 'VEX document'): VexStatement[] {
  if (!isObj(doc) || !Array.isArray(doc['statements'])) throw new VexError(`${name}: not an OpenVEX document (no 'statements' list)`)
  const docTime = typeof doc['timestamp'] === 'string' ? doc['timestamp'] : undefined
  return doc['statements'].map((s, i): VexStatement => {
    const where = `${name}: statement ${i + 1}`
    if (!isObj(s)) throw new VexError(`${where}: expected an object`)
    const status = s['status']
    if (typeof status !== 'string' || !STATUSES.has(status)) throw new VexError(`${where}: status must be one of ${[...STATUSES].join(', ')}`)
    const v = s['vulnerability']
    const vulnerabilityIds = typeof v === 'string' ? [v] : isObj(v)
      ? [v['name'], v['@id'], ...(Array.isArray(v['aliases']) ? v['aliases'] : [])].filter((x): x is string => typeof x === 'string')
      : []
    if (vulnerabilityIds.length === 0) throw new VexError(`${where}: no vulnerability name`)
    const productList = Array.isArray(s['products']) ? s['products'] : []
    const products = componentIds(productList)
    if (products.length === 0) throw new VexError(`${where}: no products`)
    const subcomponents = productList.flatMap((p) => (isObj(p) ? componentIds(p['subcomponents']) : []))
    const justification = typeof s['justification'] === 'string' ? s['justification'] : undefined
    const statement = typeof s['impact_statement'] === 'string' ? s['impact_statement'] : typeof s['status_notes'] === 'string' ? s['status_notes'] : undefined
    const timestamp = typeof s['timestamp'] === 'string' ? s['timestamp'] : docTime
    return {
      vulnerabilityIds, products, subcomponents, status: status as VexStatus,
      ...(justification ? { justification } : {}), ...(statement ? { statement } : {}), ...(timestamp ? { timestamp } : {}),
    }
  })
}

export async function readOpenVex(path: string): Promise<VexStatement[]> {
  const size = (await stat(path)).size
  if (size > MAX_VEX_BYTES) throw new VexError(`${path}: larger than ${MAX_VEX_BYTES} bytes`)
  let doc: unknown
  try {
    doc = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new VexError(`${path}: not valid JSON: ${(err as Error).message}`)
  }
  return parseOpenVex(doc, path)
}
