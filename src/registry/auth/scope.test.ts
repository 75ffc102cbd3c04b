import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseScopes } from './scope.ts'

it('parses repository and catalog scopes, merging and dropping junk', () => {
  assert.deepEqual(parseScopes(['repository:a/b:pull,push', 'repository:a/b:delete registry:catalog:*']), [
    { type: 'repository', name: 'a/b', actions: ['pull', 'push', 'delete'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ])
  assert.deepEqual(parseScopes(['repository:x:*']), [{ type: 'repository', name: 'x', actions: ['pull', 'push', 'delete'] }])
  assert.deepEqual(parseScopes(['repository:x:fly', 'repository:UPPER:pull', 'nonsense', 'repository::pull', 'file:x:pull']), [
    { type: 'repository', name: 'x', actions: [] },
  ])
  assert.equal(parseScopes([Array.from({ length: 100 }, (_, i) => `repository:r${i}:pull`).join(' ')]).length, 32)
})
