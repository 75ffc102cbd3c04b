/**
 * Test support: validators for the published SARIF 2.1.0 and CycloneDX 1.6 JSON schemas, as
 * shipped in npm packages (@microsoft/jest-sarif, @cyclonedx/cyclonedx-library), run with ajv.
 */
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'

const require = createRequire(import.meta.url)
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
export type Validator = (doc: unknown) => string | undefined

export const SARIF_SCHEMA_FILE = join(dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json')

/**
 * The SARIF schema is written for JSON Schema draft-04, which ajv 8 does not load as such. The
 * only draft-04 specifics in it are `id` (draft-06+: `$id`) and the `$schema` URI; it uses no
 * boolean exclusiveMinimum/Maximum (checked here), so under draft-07 rules it means the same.
 */
let sarif: Validator | undefined
let cdx: Validator | undefined

/** Compiled once per process (compiling takes a second or more). */
export function sarifValidator(): Validator {
  sarif ??= compileSarif()
  return sarif
}

export function cyclonedxValidator(): Validator {
  cdx ??= compileCyclonedx()
  return cdx
}

function compileSarif(): Validator {
  const text = readFileSync(SARIF_SCHEMA_FILE, 'utf8')
  if (/"exclusiveM(in|ax)imum"\s*:\s*(true|false)/.test(text)) throw new Error('SARIF schema uses draft-04 boolean exclusive bounds: load it with a draft-04 validator')
  const { id, $schema: _ignored, ...rest } = JSON.parse(text) as Record<string, unknown>
  // The schema's `language` pattern has a stray `]` that only non-unicode RegExp syntax accepts.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false })
  addFormats(ajv)
  const validate = ajv.compile({ ...rest, $id: String(id) } as object)
  return (doc) => (validate(doc) ? undefined : ajv.errorsText(validate.errors))
}

const cdxSchemaDir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema')

function compileCyclonedx(): Validator {
  // logger: false keeps ajv's "unknown format iri-reference" notices out of the test output.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  addFormats(ajv)
  for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) {
    // bom-1.6 refers to its siblings by their SNAPSHOT file names: register them under those.
    const schema = JSON.parse(readFileSync(join(cdxSchemaDir, f), 'utf8')) as { $id: string }
    ajv.addSchema({ ...schema, $id: `http://cyclonedx.org/schema/${f}` })
  }
  const validate = ajv.compile(JSON.parse(readFileSync(join(cdxSchemaDir, 'bom-1.6.SNAPSHOT.schema.json'), 'utf8')) as object)
  return (doc) => (validate(doc) ? undefined : ajv.errorsText(validate.errors))
}

let spdx: Validator | undefined

/**
 * SPDX 2.3 documents: the structure (test/schemas/spdx-2.3-document.schema.json, transcribed from
 * the SPDX 2.3 JSON schema), plus what a JSON schema cannot say: every licence field is an SPDX
 * expression and every LicenseRef it names is defined in hasExtractedLicensingInfos.
 */
export function spdxValidator(): Validator {
  spdx ??= compileSpdx()
  return spdx
}

function compileSpdx(): Validator {
  const ajv = new Ajv({ strict: false, allErrors: true })
  const schemaFile = join(dirname(require.resolve('../../../../package.json')), 'test', 'schemas', 'spdx-2.3-document.schema.json')
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
  const parseExpression = require('spdx-expression-parse') as (s: string) => unknown
  return (doc) => {
    if (!validate(doc)) return ajv.errorsText(validate.errors)
    const d = doc as { hasExtractedLicensingInfos?: Array<{ licenseId: string }>; packages?: Array<Record<string, unknown>> }
    const defined = new Set((d.hasExtractedLicensingInfos ?? []).map((e) => e.licenseId))
    for (const p of d.packages ?? []) {
      for (const field of ['licenseDeclared', 'licenseConcluded'] as const) {
        const lic = p[field]
        if (typeof lic !== 'string' || lic === 'NOASSERTION' || lic === 'NONE') continue
        try {
          parseExpression(lic)
        } catch {
          return `${String(p['SPDXID'])}: ${field} '${lic}' is not an SPDX license expression`
        }
        for (const ref of lic.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) if (!defined.has(ref)) return `${ref} is used but not defined`
      }
    }
    return undefined
  }
}
