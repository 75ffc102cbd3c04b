/**
 * The advisory database layout (SQLite, via node:sqlite). Bump SCHEMA_VERSION on any change; a
 * reader refuses a database with another version rather than misreading it.
 *
 *   meta(key PK, value)                      schema_version, built_at (ISO time of the last import)
 *   sources(name PK, kind, location,         one row per data source: 'osv:npm', 'alpine-secdb', ...
 *           imported_at, records, rejected)  imported_at is the "data age" every report shows
 *   advisories(id PK, modified, withdrawn,   one row per OSV record; json is the record as imported
 *              source, json)
 *   affected(ecosystem, name, id)            lookup index: ecosystem with its release as OSV writes
 *     INDEX (ecosystem, name)                it (`Alpine:v3.19`, `Debian:12`, `npm`), name normalised
 *                                            by normalizePackageName (PEP 503 for PyPI)
 *   aliases(alias, id)                       CVE-2021-44228 -> GHSA-jfh8-c2jp-5v3q, both directions
 *   cve_severity(cve, source, type, value)   ratings from CVE-centric feeds (NVD, CVE JSON 5 CNA/ADP),
 *     PK (cve, source, type)                 used through aliases (type: CVSS_V2/V3/V4 vector or 'rating')
 */
export const SCHEMA_VERSION = 1

export const SCHEMA_DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL,
  imported_at TEXT NOT NULL, records INTEGER NOT NULL, rejected INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS advisories (
  id TEXT PRIMARY KEY, modified TEXT NOT NULL, withdrawn TEXT, source TEXT NOT NULL, json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS affected_by_package ON affected (ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_by_id ON affected (id);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (alias, id));
CREATE INDEX IF NOT EXISTS aliases_by_id ON aliases (id);
CREATE TABLE IF NOT EXISTS cve_severity (
  cve TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (cve, source, type)
);
`
