/**
 * Gathers the ImageFacts of one (repository, digest) for a policy, looking up only what
 * factsNeeded(policy) asks for: the scan record (metadata/scan-store.ts) and the trust service's
 * verification (trust/trust-service.ts). It reads, it never judges.
 *
 * A child of an index fetched by digest (docs/policies.md "An index") is judged as an image:
 *   - scan: its own scan record; without one, the index's per-platform entry for that digest;
 *   - signature and attestations: its own; when it has none, those of a signed index in the same
 *     repository that lists it (the index digest pins the child's digest).
 * Which indexes list a child is learnt from the indexes the gate has judged (a client fetches the
 * index first), else found by reading at most MAX_INDEXES_READ indexes of the repository.
 * `parents` tells the caller what else the facts depend on.
 */
import type { Digest } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { isIndexMediaType } from '../../../oci/media-types.ts'
import { parseManifest } from '../../../oci/manifest.ts'
import type { ManifestRecord, MetadataStore } from '../../metadata/store.ts'
import { parseScanResult } from '../../scanning/scan-result.ts'
import type { TrustService } from '../../trust/trust-service.ts'
import { factsNeeded } from '../evaluate-policy.ts'
import type { ImageFacts, ScanFacts } from '../image-facts.ts'
import type { DeployPolicy } from '../policy.ts'

/** Manifests of a repository listed when looking for the indexes that hold a child. */
const MAX_MANIFESTS_LISTED = 2_000
const MAX_INDEXES_READ = 100
/** Child → indexes learnt from judged indexes (bounded; a miss only costs the fallback search). */
const MAX_KNOWN_CHILDREN = 10_000
/** Layer media types a runtime unpacks as a filesystem (OCI and Docker, any compression). */
const FILESYSTEM_LAYER = /^application\/vnd\.(oci\.image\.layer\.|docker\.image\.rootfs\.)/

export interface FactsReader {
  readonly store: MetadataStore
  readonly trust: TrustService
  /** The manifest's bytes (ManifestService.content). */
  readonly content: (record: ManifestRecord) => Promise<Buffer>
}

export class FactsGatherer {
  readonly #r: FactsReader
  /** `repo@child` → index digests of that repository known to list it. */
  readonly #parents = new Map<string, Set<Digest>>()

  constructor(reader: FactsReader) {
    this.#r = reader
  }

  /**
   * Is this a manifest a container runtime can run (an index, or an image with filesystem
   * layers)? Signatures, attestations and SBOMs, in the referrer or the cosign tag form, have no
   * filesystem layer: they are served ungated, so clients can verify what they are about to pull.
   * The test is on the content, not on a tag name or a `subject`, which a pusher chooses freely.
   */
  async deployable(repository: RepositoryName, digest: Digest): Promise<boolean> {
    const record = await this.#r.store.manifests.get(repository, digest)
    if (record === undefined) return true
    if (isIndexMediaType(record.mediaType)) return true
    try {
      const m = parseManifest(await this.#r.content(record), record.mediaType)
      return m.kind === 'index' || m.layers.some((l) => FILESYSTEM_LAYER.test(l.mediaType))
    } catch {
      return true
    }
  }

  async gather(policy: DeployPolicy, repository: RepositoryName, digest: Digest): Promise<ImageFacts> {
    const needs = factsNeeded(policy)
    const record = await this.#r.store.manifests.get(repository, digest)
    const index = record !== undefined && isIndexMediaType(record.mediaType)
    if (index) await this.#learnChildren(record)
    let scan: ScanFacts = { status: 'NOT_SCANNED' }
    if (needs.scan) scan = await this.#scanOf(repository, digest)
    const signature = needs.signature ? await this.#r.trust.isSignedByTrustedKey(repository, digest) : undefined
    const attestations = needs.attestations ? (await this.#r.trust.report(repository, digest)).attestations : undefined
    let facts: ImageFacts = {
      repository, digest, scan,
      ...(signature ? { signature } : {}),
      ...(attestations ? { attestations } : {}),
    }
    const orphanScan = needs.scan && scan.status === 'NOT_SCANNED'
    const unsigned = needs.signature && signature?.signed !== true
    const unattested = needs.attestations && (attestations ?? []).length === 0
    if (!index && (orphanScan || unsigned || unattested)) facts = await this.#fromParents(facts, orphanScan, unsigned, unattested)
    return facts
  }

  async #scanOf(repository: RepositoryName, digest: Digest): Promise<ScanFacts> {
    const rec = await this.#r.store.scans.get(repository, digest)
    if (rec === undefined) return { status: 'NOT_SCANNED' }
    // A queued rescan keeps the previous result readable: judge it (its advisory age still counts).
    const readable = rec.status === 'COMPLETE' || rec.status === 'PENDING' || rec.status === 'IN_PROGRESS'
    if (readable && rec.result !== undefined) {
      try {
        return { status: 'COMPLETE', images: parseScanResult(rec.result).images }
      } catch {
        return { status: 'FAILED', description: 'the stored scan result cannot be read' }
      }
    }
    if (rec.status === 'COMPLETE') return { status: 'FAILED', description: 'the scan stored no result' }
    return { status: rec.status, ...(rec.description ? { description: rec.description } : {}) }
  }

  async #fromParents(facts: ImageFacts, orphanScan: boolean, unsigned: boolean, unattested: boolean): Promise<ImageFacts> {
    let out = facts
    const repository = facts.repository as RepositoryName
    for (const parent of await this.#parentsOf(repository, facts.digest as Digest)) {
      if (orphanScan && out.scan.status === 'NOT_SCANNED') {
        const scan = await this.#scanOf(repository, parent)
        const entry = scan.status === 'COMPLETE' ? scan.images.find((i) => i.manifestDigest === facts.digest) : undefined
        if (entry) out = { ...out, scan: { status: 'COMPLETE', images: [entry] } }
      }
      if (unsigned && out.signature?.signed !== true) {
        const signature = await this.#r.trust.isSignedByTrustedKey(repository, parent)
        if (signature.signed) out = { ...out, signature }
      }
      if (unattested && (out.attestations ?? []).length === 0) {
        const parentSigned = await this.#r.trust.isSignedByTrustedKey(repository, parent)
        if (parentSigned.signed) out = { ...out, attestations: (await this.#r.trust.report(repository, parent)).attestations }
      }
    }
    return out
  }

  async #learnChildren(record: ManifestRecord): Promise<readonly Digest[]> {
    let children: readonly Digest[] = []
    try {
      const m = parseManifest(await this.#r.content(record), record.mediaType)
      if (m.kind === 'index') children = m.manifests.map((d) => d.digest)
    } catch {
      return []
    }
    for (const child of children) {
      const key = `${record.repo}@${child}`
      const set = this.#parents.get(key) ?? new Set<Digest>()
      set.add(record.digest)
      this.#parents.delete(key)
      this.#parents.set(key, set)
    }
    while (this.#parents.size > MAX_KNOWN_CHILDREN) {
      const oldest = this.#parents.keys().next().value
      if (oldest === undefined) break
      this.#parents.delete(oldest)
    }
    return children
  }

  async #parentsOf(repository: RepositoryName, digest: Digest): Promise<readonly Digest[]> {
    const known = this.#parents.get(`${repository}@${digest}`)
    const found = new Set<Digest>()
    // A known index may have been deleted since: keep only those still stored.
    for (const p of known ?? []) if (await this.#r.store.manifests.get(repository, p)) found.add(p)
    if (found.size > 0) return [...found]
    let last: Digest | undefined
    let listed = 0
    let read = 0
    while (listed < MAX_MANIFESTS_LISTED && read < MAX_INDEXES_READ) {
      const page = await this.#r.store.manifests.list(repository, { n: 200, ...(last ? { last } : {}) })
      if (page.length === 0) break
      listed += page.length
      last = page[page.length - 1]?.digest
      for (const rec of page) {
        if (!isIndexMediaType(rec.mediaType) || read >= MAX_INDEXES_READ) continue
        read++
        if ((await this.#learnChildren(rec)).includes(digest)) found.add(rec.digest)
      }
    }
    return [...found]
  }
}
