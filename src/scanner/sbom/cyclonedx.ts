/**
 * CycloneDX 1.6 JSON encoder. The image is `metadata.component` (type container); the OS is a
 * component of type operating-system that depends on the OS packages; language packages hang
 * off the image. Where each package was found goes into `drydock:*` properties (CycloneDX's
 * sanctioned extension point), so no information is lost for later matching.
 */
import type { PackageRecord } from '../model/package.ts'
import { normalizeLicense } from './licenses.ts'
import { imagePurl, type SbomContext, type SbomInput } from './sbom-input.ts'

const OS_PACKAGE_TYPES: ReadonlySet<string> = new Set(['apk', 'deb', 'rpm'])

type Json = Record<string, unknown>

function licensesOf(pkg: PackageRecord): Json[] | undefined {
  const out: Json[] = []
  for (const raw of pkg.licenses) {
    const n = normalizeLicense(raw)
    if (n === undefined) continue
    if (n.kind === 'id') out.push({ license: { id: n.id } })
    else if (n.kind === 'name') out.push({ license: { name: n.name } })
    // CycloneDX allows an expression only as the single entry of the array.
    else return [{ expression: n.expression }]
  }
  return out.length > 0 ? out : undefined
}

function propertiesOf(pkg: PackageRecord): Json[] {
  const props: Json[] = [{ name: 'drydock:package:type', value: pkg.type }]
  if (pkg.sourceName !== undefined) props.push({ name: 'drydock:package:source-name', value: pkg.sourceName })
  if (pkg.sourceVersion !== undefined) props.push({ name: 'drydock:package:source-version', value: pkg.sourceVersion })
  if (pkg.arch !== undefined) props.push({ name: 'drydock:package:arch', value: pkg.arch })
  for (const loc of pkg.locations) {
    props.push({ name: 'drydock:location:path', value: loc.path })
    if (loc.diffId !== undefined) props.push({ name: 'drydock:location:diff-id', value: loc.diffId })
    if (loc.layerDigest !== undefined) props.push({ name: 'drydock:location:layer-digest', value: loc.layerDigest })
  }
  return props
}

/**
 * Unique bom-refs: the purl, suffixed when the same purl occurs at several places. A package
 * without a purl (PackageRecord.purl '') gets `drydock:TYPE/NAME@VERSION` instead.
 */
function makeRefs(packages: readonly PackageRecord[]): string[] {
  const seen = new Map<string, number>()
  return packages.map((p) => {
    const key = p.purl !== '' ? p.purl : `drydock:${p.type}/${p.name}@${p.version}`
    const n = seen.get(key) ?? 0
    seen.set(key, n + 1)
    return n === 0 ? key : `${key}#${n}`
  })
}

export function toCycloneDx(input: SbomInput, ctx: SbomContext): Json {
  const imageRef = imagePurl(input.image)
  const refs = makeRefs(input.packages)
  const osRef = input.os ? `os:${input.os.family}@${input.os.version}` : undefined

  const components: Json[] = input.packages.map((pkg, i) => {
    const licenses = licensesOf(pkg)
    return {
      'bom-ref': refs[i],
      type: 'library',
      name: pkg.name,
      version: pkg.version,
      ...(pkg.purl !== '' ? { purl: pkg.purl } : {}),
      ...(licenses ? { licenses } : {}),
      properties: propertiesOf(pkg),
    }
  })
  if (input.os && osRef) {
    components.unshift({ 'bom-ref': osRef, type: 'operating-system', name: input.os.family, version: input.os.version })
  }

  const osDeps = input.packages.flatMap((p, i) => (OS_PACKAGE_TYPES.has(p.type) ? [refs[i] as string] : []))
  const otherDeps = input.packages.flatMap((p, i) => (OS_PACKAGE_TYPES.has(p.type) ? [] : [refs[i] as string]))
  const dependencies: Json[] = [{ ref: imageRef, dependsOn: [...(osRef ? [osRef] : []), ...(osRef ? otherDeps : [...osDeps, ...otherDeps])] }]
  if (osRef) dependencies.push({ ref: osRef, dependsOn: osDeps })

  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${ctx.uuid}`,
    version: 1,
    metadata: {
      timestamp: ctx.now.toISOString(),
      tools: { components: [{ type: 'application', name: ctx.toolName, version: ctx.toolVersion }] },
      component: {
        'bom-ref': imageRef,
        type: 'container',
        name: input.image.name,
        version: input.image.manifestDigest,
        purl: imageRef,
        properties: [
          { name: 'drydock:image:reference', value: input.image.reference },
          ...(input.image.configDigest ? [{ name: 'drydock:image:config-digest', value: input.image.configDigest }] : []),
        ],
      },
    },
    components,
    dependencies,
  }
}
