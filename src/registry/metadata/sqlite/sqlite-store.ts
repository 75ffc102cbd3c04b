/**
 * MetadataStore on node:sqlite (embedded, synchronous API behind the async contract). WAL mode
 * lets readers proceed during a write; busy_timeout covers a second process on the same file.
 * Transactions are serialized by a promise chain because the connection is shared by all
 * requests: two interleaved BEGINs on one connection would fail.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Digest } from '../../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import type {
  BlobLinkRepo, ManifestRecord, ManifestRepo, MetadataStore, ReferrerRepo, RepositoryRepo, TagRepo, UploadRecord, UploadRepo,
} from '../store.ts'
import type { AuthRepos } from '../auth-store.ts'
import { MIGRATIONS } from './migrations.ts'
import { sqliteAuthRepos } from './sqlite-auth-repos.ts'
import { sqliteScanRepo } from './sqlite-scan-repo.ts'
import { sqliteGcRepo } from './sqlite-gc-repo.ts'
import type { GcRepo } from '../gc-store.ts'
import type { ScanRepo } from '../scan-store.ts'
import type { RepositorySettingsRepo } from '../settings-store.ts'
import { sqliteSettingsRepo } from './sqlite-settings-repo.ts'
import type { PolicyRepo } from '../policy-store.ts'
import { sqlitePolicyRepo } from './sqlite-policy-repo.ts'
import type { AccessKeyRepo } from '../access-key-store.ts'
import { sqliteAccessKeyRepo } from './sqlite-access-key-repo.ts'
import type { ResourceTagRepo } from '../resource-tag-store.ts'
import { sqliteResourceTagRepo } from './sqlite-resource-tag-repo.ts'
import type { PullRepo } from '../pull-store.ts'
import { sqlitePullRepo } from './sqlite-pull-repo.ts'
import type { LifecycleRepo } from '../lifecycle-store.ts'
import { sqliteLifecycleRepo } from './sqlite-lifecycle-repo.ts'
import type { LifecyclePreviewRepo } from '../lifecycle-preview-store.ts'
import { sqliteLifecyclePreviewRepo } from './sqlite-lifecycle-preview-repo.ts'
import type { WebhookRepo } from '../webhook-store.ts'
import { sqliteWebhookRepo } from './sqlite-webhook-repo.ts'

type Row = Record<string, unknown>

/** A manifest expired by a lifecycle run is hidden from pulls and listings (one index probe, no extra query). */
const NOT_EXPIRED = 'NOT EXISTS (SELECT 1 FROM expired_manifests e WHERE e.repo = manifests.repo AND e.digest = manifests.digest)'

function migrate(db: DatabaseSync): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as Row)['user_version'])
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(m.sql)
      db.exec(`PRAGMA user_version = ${m.version}`)
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw new Error(`failed to apply metadata migration ${m.version} (${m.name})`, { cause: err })
    }
  }
}

function toManifest(r: Row): ManifestRecord {
  return {
    repo: r['repo'] as RepositoryName,
    digest: r['digest'] as Digest,
    mediaType: r['media_type'] as string,
    size: Number(r['size']),
    ...(r['artifact_type'] == null ? {} : { artifactType: r['artifact_type'] as string }),
    ...(r['subject'] == null ? {} : { subject: r['subject'] as Digest }),
    ...(r['annotations'] == null ? {} : { annotations: JSON.parse(r['annotations'] as string) as Record<string, string> }),
    pushedAt: new Date(Number(r['pushed_at'])),
    ...(r['layer_chain'] == null ? {} : { layerChain: r['layer_chain'] as string }),
  }
}

function toUpload(r: Row): UploadRecord {
  return {
    id: r['id'] as string,
    repo: r['repo'] as RepositoryName,
    offset: Number(r['offset']),
    startedAt: new Date(Number(r['started_at'])),
    updatedAt: new Date(Number(r['updated_at'])),
    ...(r['owner'] == null ? {} : { owner: r['owner'] as string }),
  }
}

export class SqliteStore implements MetadataStore {
  readonly repositories: RepositoryRepo
  readonly blobs: BlobLinkRepo
  readonly manifests: ManifestRepo
  readonly referrers: ReferrerRepo
  readonly tags: TagRepo
  readonly uploads: UploadRepo
  readonly auth: AuthRepos
  readonly scans: ScanRepo
  readonly gc: GcRepo
  readonly repositorySettings: RepositorySettingsRepo
  readonly policies: PolicyRepo
  readonly pulls: PullRepo
  readonly lifecycle: LifecycleRepo
  readonly lifecyclePreviews: LifecyclePreviewRepo
  readonly accessKeys: AccessKeyRepo
  readonly resourceTags: ResourceTagRepo
  readonly webhooks: WebhookRepo
  readonly #db: DatabaseSync
  #chain: Promise<unknown> = Promise.resolve()

  /** Opens (creating if needed) and migrates the database at `path` (`:memory:` for tests). */
  constructor(path: string) {
    const db = new DatabaseSync(path)
    this.#db = db
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON')
    migrate(db)
    // Statements are prepared once and reused: preparing costs more than running these
    // single-row lookups, and every request runs a few of them.
    const statements = new Map<string, StatementSync>()
    const q = (sql: string): StatementSync => {
      let st = statements.get(sql)
      if (st === undefined) {
        st = db.prepare(sql)
        statements.set(sql, st)
      }
      return st
    }
    this.auth = sqliteAuthRepos(db)
    this.scans = sqliteScanRepo(db)
    this.gc = sqliteGcRepo(db)
    this.repositorySettings = sqliteSettingsRepo(db)
    this.policies = sqlitePolicyRepo(db)
    this.accessKeys = sqliteAccessKeyRepo(db)
    this.resourceTags = sqliteResourceTagRepo(db)
    this.pulls = sqlitePullRepo(db)
    this.lifecycle = sqliteLifecycleRepo(db)
    this.lifecyclePreviews = sqliteLifecyclePreviewRepo(db)
    this.webhooks = sqliteWebhookRepo(db)
    const ensureRepo = q('INSERT INTO repositories(name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING')

    this.repositories = {
      ensure: async (name, at) => void ensureRepo.run(name, at.getTime()),
      exists: async (name) => q('SELECT 1 FROM repositories WHERE name = ?').get(name) !== undefined,
      hasManifests: async (name) => q('SELECT 1 FROM manifests WHERE repo = ? LIMIT 1').get(name) !== undefined,
      list: async (page) =>
        (q('SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?').all(page.last ?? '', page.n) as Row[]).map(
          (r) => r['name'] as RepositoryName,
        ),
      delete: async (name) => {
        // Children first (foreign keys); one statement each, inside the caller's transaction if any.
        for (const table of ['tags', 'manifests', 'repository_blobs']) q(`DELETE FROM ${table} WHERE repo = ?`).run(name)
        q('DELETE FROM repository_settings WHERE repo = ?').run(name)
        q('DELETE FROM repository_resource_tags WHERE repo = ?').run(name)
        return Number(q('DELETE FROM repositories WHERE name = ?').run(name).changes) > 0
      },
    }

    this.blobs = {
      link: async (repo, digest, size, at) => {
        ensureRepo.run(repo, at.getTime())
        q('INSERT INTO repository_blobs(repo, digest, size, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
          repo, digest, size, at.getTime(),
        )
      },
      get: async (repo, digest) => {
        const r = q('SELECT size FROM repository_blobs WHERE repo = ? AND digest = ?').get(repo, digest) as Row | undefined
        return r ? { size: Number(r['size']) } : undefined
      },
      findAnywhere: async (digest) => {
        const r = q('SELECT repo, size FROM repository_blobs WHERE digest = ? LIMIT 1').get(digest) as Row | undefined
        return r ? { repo: r['repo'] as RepositoryName, size: Number(r['size']) } : undefined
      },
      unlink: async (repo, digest) => Number(q('DELETE FROM repository_blobs WHERE repo = ? AND digest = ?').run(repo, digest).changes) > 0,
    }

    this.manifests = {
      put: async (m) => {
        ensureRepo.run(m.repo, m.pushedAt.getTime())
        // Same digest, same content: a re-push only refreshes pushed_at (and fills the layer chain
        // of a manifest stored before chains existed).
        q(`INSERT INTO manifests(repo, digest, media_type, size, artifact_type, subject, annotations, pushed_at, layer_chain)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(repo, digest) DO UPDATE SET pushed_at = excluded.pushed_at, layer_chain = COALESCE(manifests.layer_chain, excluded.layer_chain)`).run(
          m.repo, m.digest, m.mediaType, m.size, m.artifactType ?? null, m.subject ?? null,
          m.annotations ? JSON.stringify(m.annotations) : null, m.pushedAt.getTime(), m.layerChain ?? null,
        )
      },
      withLayerChains: async (chains, limit) => {
        const out: ManifestRecord[] = []
        for (const chain of chains) {
          if (out.length >= limit) break
          const rows = q('SELECT * FROM manifests WHERE layer_chain = ? ORDER BY repo, digest LIMIT ?').all(chain, limit - out.length) as Row[]
          for (const r of rows) out.push(toManifest(r))
        }
        return out
      },
      get: async (repo, digest) => {
        const r = q(`SELECT * FROM manifests WHERE repo = ? AND digest = ? AND ${NOT_EXPIRED}`).get(repo, digest) as Row | undefined
        return r ? toManifest(r) : undefined
      },
      list: async (repo, page) => {
        const rows = q(`SELECT * FROM manifests WHERE repo = ? AND digest > ? AND ${NOT_EXPIRED} ORDER BY digest LIMIT ?`).all(repo, page.last ?? '', page.n) as Row[]
        return rows.map(toManifest)
      },
      delete: async (repo, digest) => {
        q('DELETE FROM tags WHERE repo = ? AND digest = ?').run(repo, digest)
        q('DELETE FROM image_pulls WHERE repo = ? AND digest = ?').run(repo, digest)
        return Number(q('DELETE FROM manifests WHERE repo = ? AND digest = ?').run(repo, digest).changes) > 0
      },
    }

    this.referrers = {
      list: async (repo, subject, artifactType) => {
        const rows = artifactType === undefined
          ? q(`SELECT * FROM manifests WHERE repo = ? AND subject = ? AND ${NOT_EXPIRED} ORDER BY digest`).all(repo, subject)
          : q(`SELECT * FROM manifests WHERE repo = ? AND subject = ? AND artifact_type = ? AND ${NOT_EXPIRED} ORDER BY digest`).all(repo, subject, artifactType)
        return (rows as Row[]).map(toManifest)
      },
    }

    this.tags = {
      resolve: async (repo, tag) => {
        const r = q('SELECT digest FROM tags WHERE repo = ? AND tag = ?').get(repo, tag) as Row | undefined
        return r ? (r['digest'] as Digest) : undefined
      },
      put: async (repo, tag, digest, at) => {
        ensureRepo.run(repo, at.getTime())
        q(`INSERT INTO tags(repo, tag, digest, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(repo, tag) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`).run(repo, tag, digest, at.getTime())
      },
      list: async (repo, page) =>
        (q('SELECT tag FROM tags WHERE repo = ? AND tag > ? ORDER BY tag LIMIT ?').all(repo, page.last ?? '', page.n) as Row[]).map(
          (r) => r['tag'] as Tag,
        ),
      ofDigest: async (repo, digest, limit) =>
        (q('SELECT tag FROM tags WHERE repo = ? AND digest = ? ORDER BY tag LIMIT ?').all(repo, digest, limit) as Row[]).map((r) => r['tag'] as Tag),
      delete: async (repo, tag) => Number(q('DELETE FROM tags WHERE repo = ? AND tag = ?').run(repo, tag).changes) > 0,
    }

    this.uploads = {
      create: async (u) =>
        void q('INSERT INTO uploads(id, repo, "offset", started_at, updated_at, owner) VALUES (?, ?, ?, ?, ?, ?)').run(
          u.id, u.repo, u.offset, u.startedAt.getTime(), u.updatedAt.getTime(), u.owner ?? null,
        ),
      get: async (id) => {
        const r = q('SELECT * FROM uploads WHERE id = ?').get(id) as Row | undefined
        return r ? toUpload(r) : undefined
      },
      setOffset: async (id, offset, at) => void q('UPDATE uploads SET "offset" = ?, updated_at = ? WHERE id = ?').run(offset, at.getTime(), id),
      delete: async (id) => Number(q('DELETE FROM uploads WHERE id = ?').run(id).changes) > 0,
      listStale: async (w, limit) =>
        (q('SELECT * FROM uploads WHERE updated_at < ? OR started_at < ? ORDER BY updated_at LIMIT ?')
          .all(w.touchedSince.getTime(), w.startedSince.getTime(), limit) as Row[]).map(toUpload),
      countActive: async (w, repo, owner) => {
        const r = q(
          'SELECT COUNT(*) AS total, COALESCE(SUM(repo = ?), 0) AS repo, COALESCE(SUM(owner = ?), 0) AS owner ' +
            'FROM uploads WHERE updated_at >= ? AND started_at >= ?',
        ).get(repo, owner ?? null, w.touchedSince.getTime(), w.startedSince.getTime()) as Row
        return { total: Number(r['total']), repo: Number(r['repo']), owner: Number(r['owner']) }
      },
    }
  }

  async transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.#db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(this)
        this.#db.exec('COMMIT')
        return result
      } catch (err) {
        this.#db.exec('ROLLBACK')
        throw err
      }
    }
    const next = this.#chain.then(run, run)
    this.#chain = next.catch(() => undefined)
    return next
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get()
  }

  async close(): Promise<void> {
    await this.#chain
    if (this.#db.isOpen) this.#db.close()
  }
}
