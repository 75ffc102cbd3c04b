/**
 * Runs queued scans (metadata ScanRepo) with bounded concurrency. Jobs are claimed with a lease
 * that is renewed every third of its length while the scan runs; a job whose lease ran out (its
 * process died) is simply claimable again, which is how a scan interrupted by a crash completes
 * after the restart. Transient errors are retried with exponential backoff up to maxAttempts;
 * content errors end the job at once (run-scan.ts). Outcomes are written to the audit log.
 */
import { randomUUID } from 'node:crypto'
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { ScanRecord } from '../metadata/scan-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'
import type { ScanningConfig } from './scanning-config.ts'
import type { ScanRun } from './run-scan.ts'
import type { ScanMetrics } from '../metrics/registry-metrics.ts'

/** Scans one manifest; rejects on a transient failure (the worker retries it). */
export type ScanFn = (repo: string, digest: string, signal: AbortSignal) => Promise<ScanRun>

export interface ScanWorkerLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface ScanWorkerDeps {
  readonly store: MetadataStore
  readonly config: ScanningConfig
  readonly clock: Clock
  readonly scan: ScanFn
  readonly log: ScanWorkerLog
  /** Told once a job's outcome is stored (the deploy gate drops its cached verdicts). */
  readonly onFinished?: (repo: RepositoryName, digest: Digest) => void
  /** Counts stored outcomes and their durations (docs/metrics.md); nothing when absent. */
  readonly metrics?: ScanMetrics
}

/** Longest idle sleep: a job queued by another process sharing the store is seen within this. */
const MAX_IDLE_MS = 2_000

export class ScanWorker {
  readonly #d: ScanWorkerDeps
  readonly #owner = `worker-${randomUUID()}`
  readonly #active = new Map<string, { ctl: AbortController; done: Promise<void> }>()
  #running = false
  #wakeUp: (() => void) | undefined
  #loop: Promise<void> | undefined

  constructor(deps: ScanWorkerDeps) {
    this.#d = deps
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#loop = this.#run()
  }

  /** A job was queued: look now instead of at the next poll. */
  wake(): void {
    this.#wakeUp?.()
  }

  /** Stops claiming, aborts running scans and puts them back in the queue for the next start. */
  async stop(): Promise<void> {
    this.#running = false
    this.wake()
    for (const a of this.#active.values()) a.ctl.abort(new Error('server shutting down'))
    await this.#loop
    await Promise.allSettled([...this.#active.values()].map((a) => a.done))
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        const free = this.#d.config.concurrency - this.#active.size
        const jobs = free > 0 ? await this.#d.store.scans.claim(this.#owner, this.#d.clock.now(), this.#d.config.leaseMs, free) : []
        for (const job of jobs) this.#startJob(job)
        if (jobs.length > 0 && this.#active.size < this.#d.config.concurrency) continue
        const due = free > 0 ? await this.#d.store.scans.nextDue() : undefined
        const wait = due === undefined ? MAX_IDLE_MS : Math.max(0, Math.min(MAX_IDLE_MS, due.getTime() - this.#d.clock.now().getTime()))
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait)
          // The server's sockets keep the process alive, not an idle scan queue.
          timer.unref()
          this.#wakeUp = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        this.#wakeUp = undefined
      } catch (err) {
        this.#d.log.error({ err }, 'scan queue poll failed')
        await new Promise((r) => setTimeout(r, MAX_IDLE_MS))
      }
    }
  }

  #startJob(job: ScanRecord): void {
    const key = `${job.repo}@${job.digest}`
    const ctl = new AbortController()
    const done = this.#runJob(job, ctl).catch((err: unknown) => this.#d.log.error({ err, repo: job.repo, digest: job.digest }, 'scan job bookkeeping failed'))
      .finally(() => {
        this.#active.delete(key)
        this.wake()
      })
    this.#active.set(key, { ctl, done })
  }

  async #runJob(job: ScanRecord, ctl: AbortController): Promise<void> {
    const { store, config, clock } = this.#d
    const renewMs = Math.max(50, Math.floor(config.leaseMs / 3))
    const heartbeat = setInterval(() => {
      store.scans.renew(job.repo, job.digest, this.#owner, new Date(clock.now().getTime() + config.leaseMs)).then(
        (held) => held || ctl.abort(new Error('scan lease lost')),
        (err: unknown) => this.#d.log.error({ err }, 'scan lease renewal failed'),
      )
    }, renewMs)
    heartbeat.unref()
    const began = performance.now()
    const seconds = (): number => (performance.now() - began) / 1000
    let run: ScanRun
    try {
      run = await this.#d.scan(job.repo, job.digest, ctl.signal)
    } catch (err) {
      clearInterval(heartbeat)
      const reason = err instanceof Error ? err.message : String(err)
      if (!this.#running) {
        await store.scans.retry(job.repo, job.digest, this.#owner, clock.now(), 'interrupted by shutdown')
        return
      }
      if (job.attempts >= config.maxAttempts) {
        await this.#finish(job, { status: 'FAILED', description: `gave up after ${job.attempts} attempts: ${reason}` }, seconds())
        return
      }
      const backoff = config.retryBaseMs * 2 ** (job.attempts - 1)
      this.#d.log.error({ err, repo: job.repo, digest: job.digest, attempt: job.attempts, retryInMs: backoff }, 'scan failed; will retry')
      await store.scans.retry(job.repo, job.digest, this.#owner, new Date(clock.now().getTime() + backoff), reason)
      return
    }
    clearInterval(heartbeat)
    await this.#finish(job, run, seconds())
  }

  async #finish(job: ScanRecord, run: ScanRun, seconds: number): Promise<void> {
    const at = this.#d.clock.now()
    const held = await this.#d.store.scans.finish(job.repo, job.digest, this.#owner, run.status === 'COMPLETE'
      ? { status: 'COMPLETE', at, scannerVersion: run.result.scannerVersion, advisoryVersion: run.result.advisoryVersion, result: JSON.stringify(run.result), ...(run.description ? { description: run.description } : {}) }
      : { status: run.status, at, description: run.description })
    if (!held) return
    this.#d.metrics?.scanFinished(run.status === 'COMPLETE' ? 'complete' : run.status === 'FAILED' ? 'failed' : 'unsupported', seconds)
    this.#d.onFinished?.(job.repo, job.digest)
    const description = run.description
    this.#d.log.info({ repo: job.repo, digest: job.digest, status: run.status, ...(description ? { reason: description } : {}) }, 'scan finished')
    await this.#audit(job.repo, job.digest, run.status === 'COMPLETE' ? 'scan.complete' : 'scan.failed', {
      status: run.status, ...(description ? { reason: description.slice(0, 500) } : {}),
    })
  }

  /** Scan events in the access-control audit log (auth-store.ts), attributed to the scanner. */
  async #audit(repo: RepositoryName, digest: Digest, action: string, detail: Record<string, unknown>): Promise<void> {
    await this.#d.store.auth.audit.append({ at: this.#d.clock.now(), actor: 'drydock-scanner', action, repository: repo, detail: { digest, ...detail } })
      .catch((err: unknown) => this.#d.log.error({ err }, 'failed to write scan audit event'))
  }
}
