// The pure rules of webhook deliveries: the SSRF guard's address judgement (with a fake resolver),
// repository patterns and the subscription filter, the retry backoff, and the signature.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DomainEvent } from '../events/domain-event.ts'
import type { WebhookRecord } from '../metadata/webhook-store.ts'
import { retryDelayMs, MAX_RETRY_DELAY_MS } from './delivery-worker.ts'
import { DestinationGuard, DestinationRefusedError } from './destination-guard.ts'
import { signBody, verifySignature } from './signature.ts'
import { patternCovers, subscriptionWants } from './webhook-filter.ts'
import { webhooksConfig } from './webhooks-config.ts'

describe('destination guard', () => {
  const dns = (answers: Record<string, string[]>) => async (host: string) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))

  it('refuses private, loopback, link-local and mapped addresses by default; allows public ones', async () => {
    const guard = new DestinationGuard([], dns({ 'hooks.example.com': ['93.184.216.34'], 'evil.example.com': ['169.254.169.254'], 'six.example.com': ['::ffff:10.0.0.1'], 'hex.example.com': ['::ffff:a9fe:a9fe'] }))
    assert.deepEqual(await guard.resolve('hooks.example.com'), { address: '93.184.216.34', family: 4 })
    for (const host of ['evil.example.com', 'six.example.com', 'hex.example.com', '[::ffff:7f00:1]', '127.0.0.1', '10.1.2.3', '[::1]', '[fe80::1]', '100.64.0.1', '0.0.0.0', 'unknown.example.com']) {
      await assert.rejects(guard.resolve(host), DestinationRefusedError, host)
    }
  })

  it('opens what allowedDestinations names: addresses, CIDR blocks, host names and *.suffix', async () => {
    const guard = new DestinationGuard(['127.0.0.1', '10.20.0.0/16', 'hooks.internal', '*.corp.example'], dns({
      'hooks.internal': ['192.168.1.5'], 'a.corp.example': ['172.16.0.9'], 'b.other.example': ['10.20.3.4'], 'c.other.example': ['10.21.0.1'],
    }))
    assert.equal((await guard.resolve('127.0.0.1')).address, '127.0.0.1')
    assert.equal((await guard.resolve('hooks.internal')).address, '192.168.1.5')
    assert.equal((await guard.resolve('a.corp.example')).address, '172.16.0.9')
    assert.equal((await guard.resolve('b.other.example')).address, '10.20.3.4')
    await assert.rejects(guard.resolve('c.other.example'), DestinationRefusedError)
    await assert.rejects(guard.resolve('127.0.0.2'), DestinationRefusedError)
  })

  it('takes the first allowed address of a name, never a refused one', async () => {
    const guard = new DestinationGuard([], dns({ 'mixed.example.com': ['10.0.0.1', '93.184.216.34'] }))
    assert.equal((await guard.resolve('mixed.example.com')).address, '93.184.216.34')
  })
})

describe('subscription filter', () => {
  const hook = (over: Partial<WebhookRecord> = {}): WebhookRecord => ({
    id: 'w', namespace: 'acme', url: 'https://x', sealedSecret: '', eventTypes: [], format: 'cloudevents', enabled: true,
    createdAt: new Date(0), updatedAt: new Date(0), createdBy: 'a', ...over,
  })
  const counts = (over: Record<string, number> = {}) => ({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, ...over })
  const pushed = (repository: string): DomainEvent => ({ id: '1', time: '', type: 'image.pushed', repository, data: { mediaType: 'm' } })
  const scanned = (c: Record<string, number>): DomainEvent => ({ id: '2', time: '', type: 'scan.completed', repository: 'acme/app', data: { severityCounts: counts(c), scanners: ['vuln'] } })

  it('reads patterns as scopes on whole segments, with * inside one segment', () => {
    assert.equal(patternCovers('acme/app', 'acme/app'), true)
    assert.equal(patternCovers('acme/app', 'acme/app/web'), true)
    assert.equal(patternCovers('acme/app', 'acme/apps'), false)
    assert.equal(patternCovers('acme/app-*', 'acme/app-web'), true)
    assert.equal(patternCovers('acme/app-*', 'acme/web'), false)
    assert.equal(patternCovers('acme/*', 'acme/x/y'), true)
    assert.equal(patternCovers('acme/a.b', 'acme/aXb'), false, 'a dot is a dot')
  })

  it('matches namespace, types, pattern, enabled and minimum severity', () => {
    assert.equal(subscriptionWants(hook(), pushed('acme/app')), true)
    assert.equal(subscriptionWants(hook(), pushed('acme-labs/app')), false)
    assert.equal(subscriptionWants(hook({ enabled: false }), pushed('acme/app')), false)
    assert.equal(subscriptionWants(hook({ eventTypes: ['scan.completed'] }), pushed('acme/app')), false)
    assert.equal(subscriptionWants(hook({ repositoryPattern: 'acme/web' }), pushed('acme/app')), false)
    assert.equal(subscriptionWants(hook({ minSeverity: 'HIGH' }), pushed('acme/app')), true, 'events without severity pass')
    assert.equal(subscriptionWants(hook({ minSeverity: 'HIGH' }), scanned({ MEDIUM: 3 })), false)
    assert.equal(subscriptionWants(hook({ minSeverity: 'HIGH' }), scanned({ CRITICAL: 1 })), true)
    assert.equal(subscriptionWants(hook({ minSeverity: 'UNKNOWN' }), scanned({})), false, 'a clean scan is under any threshold')
  })
})

describe('retries and signatures', () => {
  it('backs off exponentially with ±20 % jitter, capped', () => {
    assert.equal(retryDelayMs(100, 1, () => 0.5), 100)
    assert.equal(retryDelayMs(100, 4, () => 0.5), 800)
    assert.equal(retryDelayMs(100, 4, () => 0), 640)
    assert.equal(retryDelayMs(100, 4, () => 1), 960)
    assert.equal(retryDelayMs(1000, 40, () => 0.5), MAX_RETRY_DELAY_MS)
  })

  it('signs timestamp and body together; any change breaks it', () => {
    const body = Buffer.from('{"a":1}')
    const sig = signBody('s3cret-s3cret-s3cret', 1700000000, body)
    assert.match(sig, /^sha256=[a-f0-9]{64}$/)
    assert.equal(verifySignature('s3cret-s3cret-s3cret', '1700000000', body, sig), true)
    assert.equal(verifySignature('s3cret-s3cret-s3cret', '1700000001', body, sig), false)
    assert.equal(verifySignature('s3cret-s3cret-s3cret', '1700000000', Buffer.from('{"a":2}'), sig), false)
    assert.equal(verifySignature('other-other-other', '1700000000', body, sig), false)
  })

  it('validates the config section', () => {
    assert.deepEqual(webhooksConfig({ retryBaseDelay: '1s', allowedDestinations: ['10.0.0.0/8', 'Hooks.Internal'] }).allowedDestinations, ['10.0.0.0/8', 'hooks.internal'])
    assert.throws(() => webhooksConfig({ allowedDestinations: ['10.0.0.0/33'] }), /allowedDestinations\[0\]/)
    assert.throws(() => webhooksConfig({ maxAttempts: 0 }), /maxAttempts/)
    assert.throws(() => webhooksConfig({ enabled: 'yes' }), /enabled/)
  })
})
