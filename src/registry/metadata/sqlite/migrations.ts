/**
 * SQLite schema migrations, applied in order inside one transaction each; the applied version
 * is kept in `PRAGMA user_version`. Append new migrations; never edit an applied one.
 * All timestamps are milliseconds since the epoch. TEXT compares bytewise (BINARY collation),
 * which is the lexical order the OCI spec asks for in tag and catalog listings.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
      CREATE TABLE repositories (
        name       TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE repository_blobs (
        repo       TEXT NOT NULL REFERENCES repositories(name),
        digest     TEXT NOT NULL,
        size       INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (repo, digest)
      ) WITHOUT ROWID;
      CREATE INDEX repository_blobs_by_digest ON repository_blobs(digest);

      CREATE TABLE manifests (
        repo          TEXT NOT NULL REFERENCES repositories(name),
        digest        TEXT NOT NULL,
        media_type    TEXT NOT NULL,
        size          INTEGER NOT NULL,
        artifact_type TEXT,
        subject       TEXT,
        annotations   TEXT,
        pushed_at     INTEGER NOT NULL,
        PRIMARY KEY (repo, digest)
      ) WITHOUT ROWID;
      CREATE INDEX manifests_by_subject ON manifests(repo, subject) WHERE subject IS NOT NULL;

      CREATE TABLE tags (
        repo       TEXT NOT NULL REFERENCES repositories(name),
        tag        TEXT NOT NULL,
        digest     TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (repo, tag)
      ) WITHOUT ROWID;
      CREATE INDEX tags_by_digest ON tags(repo, digest);

      CREATE TABLE uploads (
        id         TEXT PRIMARY KEY,
        repo       TEXT NOT NULL,
        "offset"   INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX uploads_by_updated ON uploads(updated_at);
    `,
  },
  {
    version: 2,
    name: 'access-control',
    // Identities, credentials and the audit log (auth-store.ts). Secrets are stored hashed.
    sql: `
      CREATE TABLE users (
        name          TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        admin         INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE orgs (
        name       TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE teams (
        org        TEXT NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (org, name)
      ) WITHOUT ROWID;

      CREATE TABLE team_members (
        org  TEXT NOT NULL,
        team TEXT NOT NULL,
        user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        PRIMARY KEY (org, team, user),
        FOREIGN KEY (org, team) REFERENCES teams(org, name) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX team_members_by_user ON team_members(user);

      CREATE TABLE team_grants (
        org    TEXT NOT NULL,
        team   TEXT NOT NULL,
        target TEXT NOT NULL,
        role   TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
        PRIMARY KEY (org, team, target),
        FOREIGN KEY (org, team) REFERENCES teams(org, name) ON DELETE CASCADE
      ) WITHOUT ROWID;

      CREATE TABLE robots (
        name        TEXT PRIMARY KEY,
        org         TEXT NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
        secret_hash TEXT NOT NULL,
        grants      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER
      ) WITHOUT ROWID;

      CREATE TABLE access_tokens (
        id           TEXT PRIMARY KEY,
        owner        TEXT NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('pat', 'login')),
        description  TEXT NOT NULL,
        secret_hash  TEXT NOT NULL,
        actions      TEXT NOT NULL,
        targets      TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        revoked_at   INTEGER,
        last_used_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX access_tokens_by_owner ON access_tokens(owner);

      CREATE TABLE public_repositories (
        name       TEXT PRIMARY KEY,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE signing_keys (
        kid         TEXT PRIMARY KEY,
        private_pem TEXT NOT NULL,
        public_pem  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        retired_at  INTEGER
      ) WITHOUT ROWID;

      CREATE TABLE audit_events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        at         INTEGER NOT NULL,
        actor      TEXT NOT NULL,
        action     TEXT NOT NULL,
        repository TEXT,
        address    TEXT,
        detail     TEXT
      );
      CREATE INDEX audit_events_by_at ON audit_events(at);
      CREATE INDEX audit_events_by_actor ON audit_events(actor, id);
      -- The audit log is append-only, whatever the application code does.
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'scan-on-push',
    // One row per scanned manifest: the persistent job (status, lease, backoff) and its result
    // (scan-store.ts). No foreign key to manifests: a result outlives a re-push of the manifest.
    sql: `
      CREATE TABLE image_scans (
        repo             TEXT NOT NULL,
        digest           TEXT NOT NULL,
        status           TEXT NOT NULL,
        description      TEXT,
        attempts         INTEGER NOT NULL DEFAULT 0,
        queued_at        INTEGER NOT NULL,
        not_before       INTEGER NOT NULL,
        lease_owner      TEXT,
        lease_expires_at INTEGER,
        completed_at     INTEGER,
        scanner_version  TEXT,
        advisory_version TEXT,
        result           TEXT,
        PRIMARY KEY (repo, digest)
      ) WITHOUT ROWID;
      CREATE INDEX image_scans_waiting ON image_scans(status, not_before);
    `,
  },
  {
    version: 4,
    name: 'refresh-tokens-and-login-throttle',
    // OAuth2 refresh tokens (secret stored as SHA-256 hex) and the brute-force counters, so a
    // restart neither forgets a lock-out nor the failures leading to one (docs/auth.md).
    sql: `
      CREATE TABLE refresh_tokens (
        id            TEXT PRIMARY KEY,
        owner         TEXT NOT NULL,
        client_id     TEXT NOT NULL,
        secret_hash   TEXT NOT NULL,
        credential_id TEXT,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL,
        revoked_at    INTEGER,
        last_used_at  INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX refresh_tokens_by_owner ON refresh_tokens(owner);

      CREATE TABLE login_failures (
        key          TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        locked_until INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX login_failures_by_updated ON login_failures(updated_at);
    `,
  },
  {
    version: 5,
    name: 'upload-owner',
    // Who started an upload session: the per-principal cap counts by it, and only its owner may
    // touch the session. NULL for sessions started with auth off (or before this migration).
    sql: `
      ALTER TABLE uploads ADD COLUMN owner TEXT;
      CREATE INDEX uploads_by_owner ON uploads(owner, updated_at) WHERE owner IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'garbage-collection',
    // Online garbage collection (docs/storage-layout.md "Garbage collection"): the last time a
    // writer or a HEAD said a blob is about to be referenced (pins), the blobs a collector has
    // committed to deleting (tombstones: nobody may pin them until the bytes are gone), the
    // lease that lets one collector run at a time across replicas, and manifests by digest
    // (a manifest in any repository keeps its bytes).
    sql: `
      CREATE TABLE blob_pins (
        digest    TEXT PRIMARY KEY,
        pinned_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE gc_deletions (
        digest     TEXT PRIMARY KEY,
        run_id     TEXT NOT NULL,
        started_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE gc_leases (
        name       TEXT PRIMARY KEY,
        owner      TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE INDEX manifests_by_digest ON manifests(digest);
    `,
  },
  {
    version: 7,
    name: 'manifest-layer-chains',
    // An image manifest's layer chain (distribution/layer-chain.ts), so the scan can find an
    // image's base among stored images by its first layers with one indexed lookup per prefix.
    // NULL for indexes, artifacts and manifests stored before (a re-push fills it).
    sql: `
      ALTER TABLE manifests ADD COLUMN layer_chain TEXT;
      CREATE INDEX manifests_by_layer_chain ON manifests(layer_chain) WHERE layer_chain IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: 'repository-settings',
    // A repository's own settings (settings-store.ts): NULL columns are unset, so the config
    // defaults apply. Exclusion filters are a JSON array; the lifecycle policy is kept verbatim.
    sql: `
      CREATE TABLE repository_settings (
        repo               TEXT PRIMARY KEY,
        scan_on_push       INTEGER,
        tag_mutability     TEXT,
        mutability_filters TEXT,
        lifecycle_policy   TEXT,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'deploy-policies',
    // Deploy policies and break-glass exemptions (policy-store.ts, issue #13). One policy per
    // scope (UNIQUE). Exemptions are revoked, never deleted (the audit trail of who let what
    // through). policy_generation holds one row, bumped with every change, so replicas and
    // decision caches notice a change made elsewhere.
    sql: `
      CREATE TABLE deploy_policies (
        name       TEXT PRIMARY KEY,
        scope      TEXT NOT NULL UNIQUE,
        text       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE policy_exemptions (
        id         TEXT PRIMARY KEY,
        repo       TEXT NOT NULL,
        digest     TEXT NOT NULL,
        reason     TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_by TEXT
      );
      CREATE INDEX policy_exemptions_by_image ON policy_exemptions(repo, digest, expires_at);
      CREATE TABLE policy_generation (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL
      );
      INSERT INTO policy_generation(id, generation) VALUES (1, 0);
    `,
  },
  {
    version: 10,
    name: 'image-pulls',
    // When each image was last pulled (pull-store.ts), for sinceImagePulled lifecycle rules.
    // Written in coalesced batches by the pull recorder; the value only moves forward.
    sql: `
      CREATE TABLE image_pulls (
        repo           TEXT NOT NULL,
        digest         TEXT NOT NULL,
        last_pulled_at INTEGER NOT NULL,
        PRIMARY KEY (repo, digest)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: 'expired-manifests',
    // Manifests a lifecycle run expired (lifecycle-store.ts): hidden from pulls, listings and
    // later evaluations but kept (with their blobs) until the restore window ends. The tags they
    // had are kept as a JSON array, to be restored with them. Deleting the manifest forgets it.
    sql: `
      CREATE TABLE expired_manifests (
        repo          TEXT NOT NULL,
        digest        TEXT NOT NULL,
        tags          TEXT NOT NULL,
        expired_at    INTEGER NOT NULL,
        rule_priority INTEGER NOT NULL,
        description   TEXT,
        carried_by    TEXT,
        PRIMARY KEY (repo, digest),
        FOREIGN KEY (repo, digest) REFERENCES manifests(repo, digest) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX expired_manifests_by_time ON expired_manifests(expired_at);
      CREATE INDEX expired_manifests_by_image ON expired_manifests(repo, carried_by) WHERE carried_by IS NOT NULL;
    `,
  },
  {
    version: 12,
    name: 'access-keys',
    // The ECR API: SigV4 access keys (access-key-store.ts; the secret is sealed, AES-256-GCM with
    // a key file in the data dir, since SigV4 needs the secret itself, not a hash) and
    // repositories' resource tags (resource-tag-store.ts).
    sql: `
      CREATE TABLE access_keys (
        id            TEXT PRIMARY KEY,
        owner         TEXT NOT NULL,
        sealed_secret TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER,
        last_used_at  INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX access_keys_by_owner ON access_keys(owner);

      CREATE TABLE repository_resource_tags (
        repo  TEXT NOT NULL,
        key   TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (repo, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'lifecycle-previews',
    // ECR's asynchronous lifecycle preview (lifecycle-preview-store.ts): the last preview started
    // per repository, its policy text and its result (JSON), readable through every replica; and
    // when a run last evaluated each repository's policy (ECR's lastEvaluatedAt, lifecycle-store.ts).
    sql: `
      CREATE TABLE lifecycle_previews (
        repo        TEXT PRIMARY KEY REFERENCES repositories(name) ON DELETE CASCADE,
        status      TEXT NOT NULL,
        policy_text TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        result      TEXT,
        description TEXT
      ) WITHOUT ROWID;

      CREATE TABLE lifecycle_evaluations (
        repo         TEXT PRIMARY KEY REFERENCES repositories(name) ON DELETE CASCADE,
        evaluated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 14,
    name: 'webhooks',
    // Webhook subscriptions per namespace and their delivery queue (webhook-store.ts, docs/events.md).
    // The secret is sealed like access-key secrets. Deliveries are claimed with a lease (several
    // replicas may share the queue); `history` keeps the last attempts as JSON.
    sql: `
      CREATE TABLE webhooks (
        id                 TEXT PRIMARY KEY,
        namespace          TEXT NOT NULL,
        url                TEXT NOT NULL,
        sealed_secret      TEXT NOT NULL,
        event_types        TEXT NOT NULL,
        min_severity       TEXT,
        repository_pattern TEXT,
        format             TEXT NOT NULL,
        enabled            INTEGER NOT NULL,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        created_by         TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX webhooks_by_namespace ON webhooks(namespace, created_at);

      CREATE TABLE webhook_deliveries (
        id               TEXT PRIMARY KEY,
        webhook_id       TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event_id         TEXT NOT NULL,
        event_type       TEXT NOT NULL,
        event            TEXT NOT NULL,
        status           TEXT NOT NULL,
        attempts         INTEGER NOT NULL,
        not_before       INTEGER NOT NULL,
        lease_owner      TEXT,
        lease_expires_at INTEGER,
        history          TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        completed_at     INTEGER,
        UNIQUE (webhook_id, event_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, not_before);
      CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id, created_at);
      CREATE INDEX webhook_deliveries_done ON webhook_deliveries(completed_at) WHERE completed_at IS NOT NULL;
    `,
  },
]
