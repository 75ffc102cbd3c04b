/**
 * `drydock scan --from-registry URL IMAGE`: read the result the Drydock registry at URL stored
 * when IMAGE was pushed (scan on push), instead of scanning again in CI. IMAGE is `REPO[:TAG]`,
 * `REPO@DIGEST` or the same prefixed with the registry's host. If the image was never scanned a
 * scan is requested; the call waits (up to waitMs) while it is PENDING or IN_PROGRESS. The
 * stored report is ungated, so the caller's policy (severities, ignores, VEX, exit code) is
 * applied here, exactly as for a local scan, and so is `--scanners`: the registry stores every
 * scanner's findings, the caller keeps those it asked for. A scanner the stored report did not
 * run (a result from an older registry) is a warning, not an error. Credentials come from the
 * one resolver (README "Credentials"); without any, the request is anonymous (public repositories).
 * Exit codes: refused credentials 4; a registry that fails, or whose scan failed or never
 * finished, 3; an image or platform it does not have, 2. A stored scan whose registry could not
 * run a wanted scanner (no advisory DB: ScanReport.unavailable, FINDINGS_UNAVAILABLE in the
 * findings API) is printed with what it has and exits 3 too, saying what was not checked: a CI
 * gate must not pass on vulnerabilities nobody looked for. `--scanners secret,misconfig` accepts it.
 */
import type { SecretScanOptions } from '../scanner/analyzers/secret/secret-analyzer.ts'
import { KIND_OF_SCANNER, type ReportFinding, type ScannerName, type ScanReport } from '../scanner/report/scan-report.ts'
import type { GatePolicy } from '../scanner/scan/gate.ts'
import { apiAuthorization, resolveCredential, type CredentialFlags } from './credentials/resolve-credentials.ts'
import { EXIT, ExitError, UsageError } from './exit-codes.ts'

export interface StoredScanOptions {
  readonly platform?: string
  readonly waitMs: number
  readonly policy: Omit<GatePolicy, 'imageDigest'>
  /** `--username`/`--password-stdin` of the command (the resolver also reads the environment and stored logins). */
  readonly credentialFlags?: CredentialFlags
  /** `--scanners`: findings of the other kinds are dropped before the gate (default: all stored). */
  readonly scanners?: readonly ScannerName[]
  /** `--secret-config`: its allowlist and disabled rules apply to the stored secrets. */
  readonly secretConfig?: SecretScanOptions
}

type Json = Record<string, any>

export function splitImage(base: URL, image: string): { repo: string; ref: string } {
  let s = image.replace(/^docker:\/\//, '')
  if (s.startsWith(`${base.host}/`)) s = s.slice(base.host.length + 1)
  const at = s.indexOf('@')
  if (at > 0) return { repo: s.slice(0, at), ref: s.slice(at + 1) }
  const colon = s.lastIndexOf(':')
  if (colon > s.lastIndexOf('/')) return { repo: s.slice(0, colon), ref: s.slice(colon + 1) }
  return { repo: s, ref: 'latest' }
}

interface Auth {
  readonly authorization?: string
  readonly source?: string
}

async function call(url: string, auth: Auth, method = 'GET'): Promise<{ status: number; body: Json }> {
  let res: Response
  try {
    res = await fetch(url, { method, headers: auth.authorization ? { Authorization: auth.authorization } : {}, redirect: 'error', signal: AbortSignal.timeout(60_000) })
  } catch (err) {
    throw new ExitError(`cannot reach the registry at ${new URL(url).origin}: ${(err as Error).message}`, EXIT.unreachable)
  }
  if (res.status === 401 || res.status === 403 || res.status === 429) {
    await res.body?.cancel()
    const why = auth.source ? `with the credentials from ${auth.source}` : "without credentials (run 'drydock login', or set DRYDOCK_USERNAME and DRYDOCK_PASSWORD or DRYDOCK_TOKEN)"
    throw new ExitError(`the registry refused access (HTTP ${res.status}) ${why}`, EXIT.unauthorized)
  }
  const text = await res.text()
  let body: Json
  try {
    body = JSON.parse(text) as Json
  } catch {
    throw new ExitError(`${method} ${url}: HTTP ${res.status}, not a Drydock findings API answer`, EXIT.unreachable)
  }
  if (res.status >= 500) throw new ExitError(`${method} ${url}: the registry failed (HTTP ${res.status}): ${message(body)}`, EXIT.unreachable)
  return { status: res.status, body }
}

function message(body: Json): string {
  return String(body['errors']?.[0]?.message ?? JSON.stringify(body).slice(0, 200))
}

/** Returns the stored report for one image, with the caller's gate applied, and the gate's exit code. */
export async function fetchStoredScan(registry: string, image: string, opts: StoredScanOptions): Promise<{ report: ScanReport; exitCode: number; notChecked: readonly string[] }> {
  let base: URL
  try {
    base = new URL(registry)
  } catch {
    throw new UsageError(`--from-registry needs a URL like http://127.0.0.1:5000, got '${registry}'`)
  }
  const credential = await resolveCredential(base.host, opts.credentialFlags, process.env, { registryNamedByUrl: true })
  const auth: Auth = credential ? { authorization: apiAuthorization(credential), source: credential.source } : {}
  const { repo, ref } = splitImage(base, image)
  const api = `${base.origin}/api/v1/repositories/${repo}/images/${encodeURIComponent(ref)}`
  const deadline = Date.now() + opts.waitMs
  let requested = false
  for (;;) {
    const r = await call(`${api}/scan-findings`, auth)
    if (r.status === 404 && !requested && r.body['errors']?.[0]?.detail?.scanStatus === 'NOT_SCANNED') {
      const q = await call(`${api}/scan`, auth, 'POST')
      if (q.status !== 202) throw new ExitError(`could not request a scan: ${message(q.body)}`, EXIT.usage)
      requested = true
      continue
    }
    if (r.status !== 200) throw new ExitError(`${repo}:${ref}: ${message(r.body)}`, EXIT.usage)
    const status = String(r.body['imageScanStatus']?.status)
    // FINDINGS_UNAVAILABLE: complete, but without vulnerabilities (the report says why).
    if (status === 'COMPLETE' || status === 'FINDINGS_UNAVAILABLE') break
    if (status !== 'PENDING' && status !== 'IN_PROGRESS') {
      throw new ExitError(`the registry's scan of ${repo}:${ref} is ${status}: ${r.body['imageScanStatus']?.description ?? ''}`, EXIT.unreachable)
    }
    if (Date.now() > deadline) throw new ExitError(`the registry's scan of ${repo}:${ref} is still ${status} after ${opts.waitMs} ms`, EXIT.unreachable)
    await new Promise((res) => setTimeout(res, 500))
  }
  const doc = await call(`${api}/scan-report`, auth)
  if (doc.status !== 200) throw new ExitError(`${repo}:${ref}: ${message(doc.body)}`, EXIT.usage)
  const images = doc.body['images'] as Json[]
  const wanted = opts.platform ?? (images.length > 1 ? `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}` : undefined)
  const picked = wanted === undefined ? images[0] : images.find((i) => i['platform'] === wanted || String(i['platform']).startsWith(`${wanted}/`))
  if (!picked) throw new ExitError(`${repo}:${ref} has no image for platform ${wanted} (${images.map((i) => i['platform']).join(', ')})`, EXIT.usage)
  const stored = picked['report'] as ScanReport
  const { findings, scanners, warnings, notChecked } = await selectScanners(stored, opts)
  const { applyGate } = await import('../scanner/scan/gate.ts')
  const gate = applyGate(findings, { ...opts.policy, imageDigest: stored.image.manifestDigest })
  return {
    report: {
      ...stored, scanners, findings: gate.findings, ignored: gate.ignored, counts: gate.counts, countsByKind: gate.countsByKind,
      warnings: [...stored.warnings, ...warnings, ...notChecked, ...gate.warnings],
    },
    // Not checked outranks the gate: whatever the other findings say, the answer is incomplete.
    exitCode: notChecked.length > 0 ? EXIT.unreachable : gate.exitCode,
    notChecked,
  }
}

const CHECKED_FOR: Record<ScannerName, string> = { vuln: 'vulnerabilities', secret: 'secrets', misconfig: 'misconfigurations' }

/** The stored findings (ignored ones included: the caller's gate decides) of the wanted scanners. */
async function selectScanners(stored: ScanReport, opts: StoredScanOptions): Promise<{ findings: ReportFinding[]; scanners: ScannerName[]; warnings: string[]; notChecked: string[] }> {
  // Reports stored before `scanners` existed hold vulnerabilities only.
  const ran: readonly ScannerName[] = Array.isArray(stored.scanners) ? stored.scanners : ['vuln']
  const wanted = opts.scanners ?? ran
  const kinds = new Set(wanted.map((s) => KIND_OF_SCANNER[s]))
  let findings = [...stored.findings, ...stored.ignored.map((i) => i.finding)].filter((f) => kinds.has(f.kind))
  if (opts.secretConfig && kinds.has('secret')) {
    const { applySecretConfig } = await import('../scanner/pipeline/secret-pass.ts')
    const secrets = new Set<ReportFinding>(applySecretConfig(findings.filter((f) => f.kind === 'secret'), opts.secretConfig))
    findings = findings.filter((f) => f.kind !== 'secret' || secrets.has(f))
  }
  const unavailable = (stored.unavailable ?? []).filter((u) => wanted.includes(u.scanner))
  const missing = wanted.filter((s) => !ran.includes(s) && !unavailable.some((u) => u.scanner === s))
  return {
    findings,
    scanners: wanted.filter((s) => ran.includes(s)),
    warnings: missing.length > 0 ? [`the registry's stored scan did not run ${missing.join(', ')}; rescan the image to get those findings`] : [],
    notChecked: unavailable.map((u) => `${CHECKED_FOR[u.scanner]} were not checked: the registry has ${u.reason}; ` +
      `leave ${u.scanner} out of --scanners to accept that, or fix the registry and rescan the image`),
  }
}
