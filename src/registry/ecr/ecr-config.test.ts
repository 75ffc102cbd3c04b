import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../config/load-config.ts'
import { DEFAULT_ECR, ecrConfig } from './ecr-config.ts'

test('ecr settings from flags, env and checked values', () => {
  assert.equal(loadConfig([], {}).ecr, undefined)
  assert.deepEqual(loadConfig(['--ecr-account-id', '123456789012', '--ecr-region', 'eu-west-1'], { DRYDOCK_ECR_PUBLIC_URL: 'https://reg.example.com/' }).ecr, {
    ...DEFAULT_ECR, accountId: '123456789012', region: 'eu-west-1', publicUrl: 'https://reg.example.com',
  })
  assert.deepEqual(ecrConfig({ authorizationTokenTtl: '1h', maxClockSkew: '5m' }), { ...DEFAULT_ECR, authorizationTokenTtlMs: 3_600_000, maxClockSkewMs: 300_000 })
  assert.throws(() => ecrConfig({ accountId: '1234' }), /12 digits/)
  assert.throws(() => ecrConfig({ region: 'Mars' }), /region/)
  assert.throws(() => ecrConfig({ publicUrl: 'ftp://x' }), /public url/)
  assert.throws(() => ecrConfig({ publicUrl: 'https://x/path' }), /without a path/)
  assert.throws(() => ecrConfig({ maxClockSkew: '2h' }), /skew/)
  assert.equal(loadConfig(['--ecr-scan-type', 'enhanced'], {}).ecr?.scanType, 'ENHANCED')
  assert.equal(loadConfig([], { DRYDOCK_ECR_SCAN_TYPE: 'BASIC' }).ecr?.scanType, 'BASIC')
  assert.throws(() => ecrConfig({ scanType: 'DEEP' }), /BASIC or ENHANCED/)
})
