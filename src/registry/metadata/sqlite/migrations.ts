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
]
