/**
 * RegistryMetrics on prom-client (docs/metrics.md): one Registry per app (never prom-client's
 * global one, so two apps in one process, as in tests, do not mix their counts), Node's process
 * metrics from prom-client's defaults, and gauges that are read from the store when scraped.
 *
 * Every label has a small fixed set of values; the ones known in advance are set to 0 at start,
 * so a dashboard sees a series before its first event.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { REPORT_SEVERITIES, type SeverityCounts } from '../../scanner/report/severity-scale.ts'
import type { PolicyDecision } from '../policy/evaluate-policy.ts'
import type { GateDoor } from '../policy/policy-gate.ts'
import type { HttpRequestSample, RegistryMetrics, ScanResult } from './registry-metrics.ts'

/** What the scrape-time gauges read (the metadata store's scan queue and stored results). */
export interface MetricReaders {
  scanQueue(): Promise<{ readonly pending: number; readonly inProgress: number }>
  findingsBySeverity(): Promise<SeverityCounts>
}

const PREFIX = 'drydock_'
/** HTTP durations: API calls take milliseconds, blob transfers minutes. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]
const SCAN_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]
/**
 * prom-client's defaults name three gauges `*_total`, which Prometheus reserves for counters
 * (`promtool check metrics` warns); the same numbers stay available without the suffix
 * (nodejs_active_handles, ... by type).
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

export class PrometheusMetrics implements RegistryMetrics {
  readonly registry = new Registry()
  readonly #httpRequests: Counter<'door' | 'route' | 'method' | 'status'>
  readonly #httpDuration: Histogram<'door' | 'route' | 'method'>
  readonly #uploadBytes: Counter
  readonly #uploads: Counter
  readonly #downloadBytes: Counter
  readonly #pulls: Counter
  readonly #scans: Counter<'result'>
  readonly #scanDuration: Histogram<'result'>
  readonly #gcRuns: Counter<'outcome'>
  readonly #gcBlobs: Counter
  readonly #gcBytes: Counter
  readonly #expired: Counter
  readonly #restored: Counter
  readonly #gate: Counter<'door' | 'decision'>
  readonly #webhooks: Counter<'outcome'>
  readonly #rematches: Counter<'outcome'>

  constructor(readers: MetricReaders) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(name)
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name: PREFIX + name, help, labelNames, registers })
    this.#httpRequests = counter('http_requests_total', 'HTTP requests answered, by door, route pattern, method and status code.', ['door', 'route', 'method', 'status'])
    this.#httpDuration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`, help: 'Time from request received to response sent, by door, route pattern and method.',
      labelNames: ['door', 'route', 'method'], buckets: HTTP_BUCKETS, registers,
    })
    this.#uploadBytes = counter('blob_upload_bytes_total', 'Bytes written into blob upload sessions.')
    this.#uploads = counter('blob_uploads_completed_total', 'Blob uploads committed.')
    this.#downloadBytes = counter('blob_download_bytes_total', 'Bytes of blob bodies sent in full by blob GETs.')
    this.#pulls = counter('manifest_pulls_total', 'Manifest GETs answered (pulls, including 304 Not Modified).')
    this.#scans = counter('scans_total', 'Scans whose outcome was stored, by result (complete, failed, unsupported).', ['result'])
    this.#scanDuration = new Histogram({
      name: `${PREFIX}scan_duration_seconds`, help: 'Duration of the scan attempt that produced a stored outcome, by result.',
      labelNames: ['result'], buckets: SCAN_BUCKETS, registers,
    })
    this.#gcRuns = counter('gc_runs_total', 'Garbage collection runs, by outcome (completed, failed, dry_run).', ['outcome'])
    this.#gcBlobs = counter('gc_deleted_blobs_total', 'Blobs deleted by garbage collection.')
    this.#gcBytes = counter('gc_deleted_bytes_total', 'Bytes freed by garbage collection.')
    this.#expired = counter('lifecycle_expired_images_total', 'Images expired by lifecycle policy runs (manifests carried with them not counted).')
    this.#restored = counter('lifecycle_restored_images_total', 'Expired images restored within the restore window.')
    this.#gate = counter('gate_decisions_total', 'Deploy gate decisions, by the door that asked (pull, admission, check) and decision.', ['door', 'decision'])
    this.#webhooks = counter('webhook_deliveries_total', 'Webhook deliveries, by final outcome (delivered, failed).', ['outcome'])
    this.#rematches = counter('rematch_runs_total', 'Runs re-matching stored scans against new advisory data, by outcome.', ['outcome'])
    new Gauge({
      name: `${PREFIX}scan_queue_jobs`, help: 'Scan jobs in the queue at scrape time, by state (pending, in_progress).', labelNames: ['state'], registers,
      async collect() {
        const q = await readers.scanQueue()
        this.set({ state: 'pending' }, q.pending)
        this.set({ state: 'in_progress' }, q.inProgress)
      },
    })
    new Gauge({
      name: `${PREFIX}scan_findings`, help: 'Findings in the stored scan results at scrape time, by severity (all kinds, summed over images).',
      labelNames: ['severity'], registers,
      async collect() {
        const counts = await readers.findingsBySeverity()
        for (const s of REPORT_SEVERITIES) this.set({ severity: s }, counts[s])
      },
    })
    this.#zeroKnownSeries()
  }

  /** The text exposition format and its content type. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }

  httpRequest(s: HttpRequestSample): void {
    this.#httpRequests.inc({ door: s.door, route: s.route, method: s.method, status: String(s.status) })
    this.#httpDuration.observe({ door: s.door, route: s.route, method: s.method }, s.seconds)
  }

  uploadBytes(bytes: number): void {
    if (bytes > 0) this.#uploadBytes.inc(bytes)
  }

  uploadCompleted(): void {
    this.#uploads.inc()
  }

  manifestPulled(): void {
    this.#pulls.inc()
  }

  blobBytesSent(bytes: number): void {
    if (bytes > 0) this.#downloadBytes.inc(bytes)
  }

  scanFinished(result: ScanResult, seconds: number): void {
    this.#scans.inc({ result })
    this.#scanDuration.observe({ result }, seconds)
  }

  gcRun(outcome: 'completed' | 'failed' | 'dry_run', deleted: { readonly blobs: number; readonly bytes: number }): void {
    this.#gcRuns.inc({ outcome })
    if (outcome !== 'completed') return
    this.#gcBlobs.inc(deleted.blobs)
    this.#gcBytes.inc(deleted.bytes)
  }

  imagesExpired(count: number): void {
    if (count > 0) this.#expired.inc(count)
  }

  imageRestored(): void {
    this.#restored.inc()
  }

  gateDecision(door: GateDoor, decision: PolicyDecision): void {
    this.#gate.inc({ door, decision })
  }

  webhookDelivery(outcome: 'delivered' | 'failed'): void {
    this.#webhooks.inc({ outcome })
  }

  rematchRun(outcome: 'completed' | 'failed'): void {
    this.#rematches.inc({ outcome })
  }

  #zeroKnownSeries(): void {
    for (const result of ['complete', 'failed', 'unsupported'] as const) {
      this.#scans.inc({ result }, 0)
      this.#scanDuration.zero({ result })
    }
    for (const outcome of ['completed', 'failed', 'dry_run']) this.#gcRuns.inc({ outcome }, 0)
    for (const door of ['pull', 'admission', 'check']) {
      for (const decision of ['allow', 'deny', 'audit-deny']) this.#gate.inc({ door, decision }, 0)
    }
    for (const outcome of ['delivered', 'failed']) this.#webhooks.inc({ outcome }, 0)
    for (const outcome of ['completed', 'failed']) this.#rematches.inc({ outcome }, 0)
  }
}
