/**
 * The deploy gate (implements PolicyGate, policy-gate.ts): the one answer to "may this principal
 * have this manifest now" for every door (manifest GET/HEAD, admission, `drydock policy check`).
 *
 * Hot path: the facts-based verdict of (repository, digest) is cached, judged as if the policy
 * applied to everyone; who is asking only matters through `appliesTo`, applied per request, so a
 * cached GET reads no database at all (the principal is not even resolved for an image that passes). What invalidates an entry (docs/policies.md "Enforcement at pull"):
 *   - events in this process: a scan finishing, a signature or attestation pushed or deleted, an
 *     index changed (invalidateRepository); a policy or exemption change (source.onChange);
 *   - another replica's policy change: source.generation(), read at most once a second;
 *   - time: an entry is valid only until the earliest allowlist entry or exemption it relies on
 *     expires, the advisory data gets older than the policy allows, or MAX_ENTRY_AGE_MS passes
 *     (the bound on how stale a scan or signature made through another replica can be).
 */
import type { Digest } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { Principal } from '../../auth/principal.ts'
import { principalName } from '../../auth/principal.ts'
import type { EventPublisher } from '../../events/domain-event.ts'
import type { AuditRepo } from '../../metadata/auth-store.ts'
import type { Clock } from '../../ports.ts'
import { evaluatePolicy, type PolicyVerdict } from '../evaluate-policy.ts'
import type { ImageFacts } from '../image-facts.ts'
import type { GateDecision, GateDoor, PolicyGate } from '../policy-gate.ts'
import type { PolicyExemption, PolicySource } from '../policy-source.ts'
import type { DeployPolicy } from '../policy.ts'
import { DAY_MS } from '../policy.ts'
import { appliesTo } from '../principal-scope.ts'
import { refusalMessage } from '../refusal-message.ts'
import { selectPolicy } from '../select-policy.ts'
import type { FactsGatherer } from './gather-facts.ts'
import { VerdictCache } from './verdict-cache.ts'
import type { GateMetrics } from '../../metrics/registry-metrics.ts'

/** Longest a cached verdict is reused: how late a scan or signature made on another replica may be seen. */
export const MAX_ENTRY_AGE_MS = 30_000
/** How often the source's generation (a store read) is compared, at most. */
export const GENERATION_CHECK_MS = 1_000
const CACHE_ENTRIES = 10_000

/** What the cache holds: the judgement of the facts, for everyone the policy applies to. */
interface CachedJudgement {
  readonly policy: DeployPolicy | undefined
  readonly verdict: PolicyVerdict | undefined
  readonly exemption: PolicyExemption | undefined
}

export interface DeployGateDeps {
  readonly source: PolicySource
  readonly facts: FactsGatherer
  readonly audit: AuditRepo
  readonly clock: Clock
  readonly log: { error(obj: object, msg: string): void }
  /** Told policy.violation for each deny / audit-deny at a pull or an admission (events/domain-event.ts). */
  readonly events?: EventPublisher
  /** Counts decisions by door (docs/metrics.md); nothing when absent. */
  readonly metrics?: GateMetrics
}

/** Everyone: the principal a facts-based verdict is judged for (appliesTo is applied per request). */
const EVERYONE = { kind: 'everyone' } as const

export class DeployGate implements PolicyGate {
  readonly #d: DeployGateDeps
  readonly #cache = new VerdictCache<CachedJudgement>(CACHE_ENTRIES)
  #generation: number | undefined
  #generationCheckedAt = -Infinity
  #policies: Promise<readonly DeployPolicy[]> | undefined

  constructor(deps: DeployGateDeps) {
    this.#d = deps
    deps.source.onChange(() => this.invalidateAll())
  }

  decide(repository: string, digest: string, principal: Principal, door: GateDoor): Promise<GateDecision> {
    return this.decideFor(repository, digest, async () => principal, door)
  }

  /** As decide(), with the principal resolved only if the policy's appliesTo needs it. */
  async decideFor(repository: string, digest: string, principal: () => Promise<Principal>, door: GateDoor, address?: string): Promise<GateDecision> {
    const decided = await this.#decide(repository, digest, principal, door, address)
    this.#d.metrics?.gateDecision(door, decided.decision)
    return decided
  }

  async #decide(repository: string, digest: string, principal: () => Promise<Principal>, door: GateDoor, address?: string): Promise<GateDecision> {
    const judged = await this.#judgement(repository, digest)
    if (judged.policy === undefined || judged.verdict === undefined) return { repository, digest, decision: 'allow' }
    // An allowed image is allowed for everyone: only a failing one (or the details page, which
    // shows the caller's own verdict) needs to know who asks.
    const needsCaller = judged.verdict.decision !== 'allow' || door === 'check'
    const who = needsCaller ? await principal() : undefined
    if (who !== undefined && !appliesTo(judged.policy.appliesTo, who)) {
      const verdict: PolicyVerdict = { ...judged.verdict, decision: 'allow', exempt: true, failures: [], allowlist: [] }
      return { repository, digest, decision: 'allow', verdict }
    }
    const verdict = judged.verdict
    if (verdict.decision === 'allow') return { repository, digest, decision: 'allow', verdict }
    const message = refusalMessage(verdict)
    if (verdict.decision === 'deny' && judged.exemption !== undefined) {
      await this.#audit(door, 'policy.exemption-used', who, repository, digest, verdict, address, { exemption: judged.exemption.id })
      return { repository, digest, decision: 'allow', verdict, exemption: judged.exemption, message }
    }
    await this.#audit(door, verdict.decision === 'deny' ? 'policy.deny' : 'policy.audit-deny', who, repository, digest, verdict, address)
    if (door !== 'check') {
      await this.#d.events?.publish({
        type: 'policy.violation', repository, digest, actor: who ? principalName(who) : 'anonymous',
        data: { policy: verdict.policy, mode: verdict.mode, decision: verdict.decision, door, reason: message },
      })
    }
    return { repository, digest, decision: verdict.decision, verdict, message }
  }

  /** A scan finished, or a signature, attestation or index changed, in this repository. */
  invalidateRepository(repository: string): void {
    this.#cache.dropRepository(repository)
  }

  /** A policy or an exemption changed. */
  invalidateAll(): void {
    this.#policies = undefined
    this.#cache.clear()
  }

  async #judgement(repository: string, digest: string): Promise<CachedJudgement> {
    await this.#checkGeneration()
    const nowMs = this.#d.clock.now().getTime()
    const hit = this.#cache.get(repository, digest, nowMs)
    if (hit !== undefined) return hit
    const epoch = this.#cache.epoch
    const now = this.#d.clock.now()
    const policy = selectPolicy(await this.#policiesInForce(), repository)
    if (policy === undefined || !(await this.#d.facts.deployable(repository as RepositoryName, digest as Digest))) {
      const none: CachedJudgement = { policy: undefined, verdict: undefined, exemption: undefined }
      this.#cache.set(repository, digest, none, nowMs + MAX_ENTRY_AGE_MS, epoch)
      return none
    }
    const facts = await this.#d.facts.gather(policy, repository as RepositoryName, digest as Digest)
    const verdict = evaluatePolicy({ ...policy, appliesTo: EVERYONE }, facts, { kind: 'anonymous' }, now)
    const exemption = verdict.decision === 'deny' ? await this.#d.source.activeExemption(repository, digest, now) : undefined
    const judged: CachedJudgement = { policy, verdict, exemption }
    this.#cache.set(repository, digest, judged, validUntil(policy, facts, verdict, exemption, nowMs), epoch)
    return judged
  }

  #policiesInForce(): Promise<readonly DeployPolicy[]> {
    if (this.#policies === undefined) {
      const loading = this.#d.source.policies()
      this.#policies = loading
      loading.catch(() => {
        if (this.#policies === loading) this.#policies = undefined
      })
    }
    return this.#policies
  }

  /** Another replica changed a policy or an exemption: drop everything (at most one read a second). */
  async #checkGeneration(): Promise<void> {
    const nowMs = this.#d.clock.now().getTime()
    if (nowMs - this.#generationCheckedAt < GENERATION_CHECK_MS && this.#generation !== undefined) return
    this.#generationCheckedAt = nowMs
    const generation = await this.#d.source.generation()
    if (this.#generation !== undefined && generation !== this.#generation) this.invalidateAll()
    this.#generation = generation
  }

  async #audit(
    door: GateDoor, action: string, who: Principal | undefined, repository: string, digest: string,
    verdict: PolicyVerdict, address: string | undefined, extra: Record<string, unknown> = {},
  ): Promise<void> {
    // `check` asks a question, nothing is deployed: not audited.
    if (door === 'check') return
    const failures = verdict.failures.slice(0, 10).map((f) => ({ condition: f.condition, ...(f.platform ? { platform: f.platform } : {}) }))
    await this.#d.audit.append({
      at: this.#d.clock.now(), actor: who ? principalName(who) : 'anonymous', action, repository,
      ...(address ? { address } : {}),
      detail: { digest, door, policy: verdict.policy, mode: verdict.mode, failures, ...extra },
    }).catch((err: unknown) => this.#d.log.error({ err }, 'failed to write policy audit event'))
  }
}

/** The earliest instant the verdict could change by time alone (exclusive), capped by MAX_ENTRY_AGE_MS. */
function validUntil(policy: DeployPolicy, facts: ImageFacts, verdict: PolicyVerdict, exemption: PolicyExemption | undefined, nowMs: number): number {
  let until = nowMs + MAX_ENTRY_AGE_MS
  const entries = policy.require.vulnerabilities?.allowlist ?? []
  for (const use of verdict.allowlist) {
    const entry = entries.find((e) => e.id === use.id)
    if (entry !== undefined && !use.expired && entry.expiresAtMs > nowMs) until = Math.min(until, entry.expiresAtMs)
  }
  const maxDays = policy.require.scan?.maxAdvisoryAgeDays
  if (maxDays !== undefined && facts.scan.status === 'COMPLETE') {
    for (const image of facts.scan.images) {
      const updated = Date.parse(image.report.dataSource?.updatedAt ?? '')
      // Still fresh now; too old once more than maxDays have passed.
      if (Number.isFinite(updated) && updated + maxDays * DAY_MS >= nowMs) until = Math.min(until, updated + maxDays * DAY_MS + 1)
    }
  }
  if (exemption !== undefined) until = Math.min(until, Date.parse(exemption.expiresAt))
  return until
}
