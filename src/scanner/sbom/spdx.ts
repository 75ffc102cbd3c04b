/**
 * SPDX 2.3 JSON encoder. The document DESCRIBES the image package, which CONTAINS every package
 * found. Licences that are not SPDX identifiers or expressions become LicenseRef-* entries with
 * their text in hasExtractedLicensingInfos, as the spec requires.
 */
import type { PackageRecord } from '../model/package.ts'
import { licenseRefFor, normalizeLicense } from './licenses.ts'
import { imagePurl, type SbomContext, type SbomInput } from './sbom-input.ts'

type Json = Record<string, unknown>

const PURPOSE: Readonly<Record<string, string>> = { apk: 'LIBRARY', deb: 'LIBRARY', rpm: 'LIBRARY' }

/** SPDXID idstring: letters, digits, `.` and `-` only. */
function spdxId(prefix: string, index: number, name: string): string {
  return `SPDXRef-${prefix}-${name.replace(/[^A-Za-z0-9.-]+/g, '-').slice(0, 80)}-${index}`
}

export function toSpdx(input: SbomInput, ctx: SbomContext): Json {
  const extracted = new Map<string, string>()

  const declared = (pkg: PackageRecord): string => {
    const parts: string[] = []
    for (const raw of pkg.licenses) {
      const n = normalizeLicense(raw)
      if (n === undefined) continue
      if (n.kind === 'id') parts.push(n.id)
      else if (n.kind === 'expression') parts.push(`(${n.expression})`)
      else {
        const ref = licenseRefFor(n.name)
        extracted.set(ref, n.name)
        parts.push(ref)
      }
    }
    return parts.length === 0 ? 'NOASSERTION' : parts.join(' AND ')
  }

  const imageId = 'SPDXRef-Image'
  const packages: Json[] = [
    {
      SPDXID: imageId,
      name: input.image.name,
      versionInfo: input.image.manifestDigest,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'CONTAINER',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(input.image) }],
    },
  ]
  const relationships: Json[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId }]

  if (input.os) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: input.os.family,
      versionInfo: input.os.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    })
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' })
  }

  input.packages.forEach((pkg, i) => {
    const id = spdxId('Package', i, pkg.name)
    const loc = pkg.locations[0]
    packages.push({
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared(pkg),
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: PURPOSE[pkg.type] ?? 'LIBRARY',
      ...(pkg.sourceName !== undefined ? { sourceInfo: `built from source package ${pkg.sourceName} ${pkg.sourceVersion ?? ''}`.trim() } : {}),
      ...(loc ? { comment: `found at /${loc.path}${loc.diffId ? ` in layer ${loc.diffId}` : ''}` } : {}),
      ...(pkg.purl !== '' ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }] } : {}),
    })
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id })
  })

  const safeName = input.image.name.replace(/[^A-Za-z0-9._/-]+/g, '-')
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: input.image.name,
    documentNamespace: `https://drydock.invalid/spdx/${safeName}-${ctx.uuid}`,
    creationInfo: { created: ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z'), creators: [`Tool: ${ctx.toolName}-${ctx.toolVersion}`] },
    documentDescribes: [imageId],
    packages,
    relationships,
    ...(extracted.size > 0
      ? { hasExtractedLicensingInfos: [...extracted].map(([licenseId, text]) => ({ licenseId, extractedText: text, name: text })) }
      : {}),
  }
}
