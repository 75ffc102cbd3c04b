/**
 * What the registry counts (docs/metrics.md), as the narrow observers the services are handed.
 * Each service gets only its own slice through its deps (an upload service sees UploadMetrics,
 * the GC GcMetrics, ...) and calls it where the event happens; nothing imports a global. The
 * Prometheus implementation (prometheus-metrics.ts) implements all of them; NOOP_METRICS is what
 * a service uses when it is given none (tests, `metrics.enabled: false`).
 *
 * Label values passed here must come from small fixed sets (the unions below, route patterns):
 * never a repository name, a digest, a tag or a user, so the exposition stays bounded and may be
 * served without authentication.
 */
import type { PolicyDecision } from '../policy/evaluate-policy.ts'
import type { GateDoor } from '../policy/policy-gate.ts'

/** The door a request came in by (http/request-metrics.ts decides it from the route). */
export type Door = 'v2' | 'api' | 'ecr' | 'admission' | 'token' | 'health' | 'metrics' | 'other'

/** One answered HTTP request. `route` is the route pattern (`/v2/{name}/manifests/{reference}`), never the URL. */
export interface HttpRequestSample {
  readonly door: Door
  readonly route: string
  readonly method: string
  readonly status: number
  readonly seconds: number
}

export interface HttpMetrics {
  httpRequest(sample: HttpRequestSample): void
}

/** Blob uploads (distribution/upload-service.ts). */
export interface UploadMetrics {
  /** Bytes of a chunk written into an upload session (a refused chunk that was undone counts 0). */
  uploadBytes(bytes: number): void
  /** An upload was committed as a blob. */
  uploadCompleted(): void
}

/** Pulls: manifest GETs (distribution/manifest-service.ts) and blob bodies sent (http/oci/blobs.ts). */
export interface PullMetrics {
  manifestPulled(): void
  /** A blob GET (or ranged GET) body was sent in full: `bytes` is its length. */
  blobBytesSent(bytes: number): void
}

export type ScanResult = 'complete' | 'failed' | 'unsupported'

/** Scan on push (scanning/scan-worker.ts). */
export interface ScanMetrics {
  /** A scan's outcome was stored; `seconds` is the last attempt's duration. */
  scanFinished(result: ScanResult, seconds: number): void
}

/** Garbage collection (gc/gc-service.ts). */
export interface GcMetrics {
  /** A run ended; deletions count only for a real (not dry) run that completed. */
  gcRun(outcome: 'completed' | 'failed' | 'dry_run', deleted: { readonly blobs: number; readonly bytes: number }): void
}

/** Lifecycle policies (lifecycle/lifecycle-expiry.ts, lifecycle/expired-images.ts). */
export interface LifecycleMetrics {
  /** Images a run expired (not counting the manifests carried with them). */
  imagesExpired(count: number): void
  /** An expired image was restored. */
  imageRestored(): void
}

/** Deploy gate decisions (policy/gate/deploy-gate.ts), by the door that asked. */
export interface GateMetrics {
  gateDecision(door: GateDoor, decision: PolicyDecision): void
}

/**
 * Events and webhooks (src/registry/webhooks/): app.ts binds the delivery worker's observer to
 * webhookDelivery (final outcomes only). rematchRun is for the advisory re-match job (not built
 * yet: always 0).
 */
export interface EventMetrics {
  webhookDelivery(outcome: 'delivered' | 'failed'): void
  rematchRun(outcome: 'completed' | 'failed'): void
}

export type RegistryMetrics = HttpMetrics & UploadMetrics & PullMetrics & ScanMetrics & GcMetrics & LifecycleMetrics & GateMetrics & EventMetrics

const nothing = (): void => undefined

/** Counts nothing. */
export const NOOP_METRICS: RegistryMetrics = {
  httpRequest: nothing, uploadBytes: nothing, uploadCompleted: nothing, manifestPulled: nothing, blobBytesSent: nothing,
  scanFinished: nothing, gcRun: nothing, imagesExpired: nothing, imageRestored: nothing, gateDecision: nothing,
  webhookDelivery: nothing, rematchRun: nothing,
}
