// Principal selectors: keywords, users and robots by name with * wildcards; only / except.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { ANONYMOUS, type Principal } from '../auth/principal.ts'
import { appliesTo, selectorMatches, selectorProblem, wildcardMatches } from './principal-scope.ts'

const alice: Principal = { kind: 'user', name: 'alice', admin: false }
const root: Principal = { kind: 'user', name: 'root', admin: true }
const ci: Principal = { kind: 'robot', name: 'robot$acme+ci', org: 'acme', grants: [] }
const deploy: Principal = { kind: 'robot', name: 'robot$acme+deploy-eu', org: 'acme', grants: [] }

it('wildcards match any run of characters, literally otherwise', () => {
  assert.ok(wildcardMatches('deploy-*', 'deploy-eu'))
  assert.ok(wildcardMatches('deploy-*', 'deploy-'))
  assert.ok(wildcardMatches('*-eu', 'deploy-eu'))
  assert.ok(wildcardMatches('d*p*y*', 'deploy'))
  assert.ok(!wildcardMatches('deploy-*', 'deploy'))
  assert.ok(!wildcardMatches('ci', 'cix'))
  assert.ok(!wildcardMatches('a.c', 'abc'))
  assert.ok(!wildcardMatches('*a*a*a*a*b', 'a'.repeat(5000)))
})

it('keywords select by kind and admin flag', () => {
  assert.ok(selectorMatches('admins', root))
  assert.ok(!selectorMatches('admins', alice))
  assert.ok(selectorMatches('anonymous', ANONYMOUS))
  assert.ok(!selectorMatches('anonymous', alice))
  assert.ok(selectorMatches('robots', ci))
  assert.ok(!selectorMatches('robots', alice))
})

it('user:NAME selects users only; robot$ORG+NAME robots only', () => {
  assert.ok(selectorMatches('user:alice', alice))
  assert.ok(selectorMatches('user:*', root))
  assert.ok(!selectorMatches('user:alice', { ...ci, name: 'alice' } as Principal))
  assert.ok(selectorMatches('robot$acme+ci', ci))
  assert.ok(!selectorMatches('robot$acme+ci', deploy))
  assert.ok(selectorMatches('robot$acme+deploy-*', deploy))
  assert.ok(selectorMatches('robot$*+deploy-*', deploy))
  assert.ok(!selectorMatches('robot$other+ci', ci))
  assert.ok(!selectorMatches('robot$acme+ci', { kind: 'user', name: 'robot$acme+ci', admin: false }))
})

it('only and except', () => {
  assert.ok(appliesTo({ kind: 'everyone' }, ANONYMOUS))
  assert.ok(appliesTo({ kind: 'only', selectors: ['robot$acme+deploy-*'] }, deploy))
  assert.ok(!appliesTo({ kind: 'only', selectors: ['robot$acme+deploy-*'] }, ci))
  assert.ok(!appliesTo({ kind: 'except', selectors: ['robot$acme+ci', 'admins'] }, ci))
  assert.ok(!appliesTo({ kind: 'except', selectors: ['robot$acme+ci', 'admins'] }, root))
  assert.ok(appliesTo({ kind: 'except', selectors: ['robot$acme+ci', 'admins'] }, alice))
})

it('refuses selectors it would not understand', () => {
  for (const ok of ['admins', 'anonymous', 'robots', 'user:alice', 'user:ops-*', 'robot$acme+ci', 'robot$acme+*']) assert.equal(selectorProblem(ok), undefined, ok)
  for (const bad of ['', 'admin', 'alice', 'user:', 'user:a b', 'robot$acme', 'robot$+ci', 'robot:acme+ci', 'everyone', '*']) assert.ok(selectorProblem(bad), bad)
})
