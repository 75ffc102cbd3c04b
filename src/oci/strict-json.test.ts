import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IMAGE_CONFIG_SHAPE, MANIFEST_SHAPE } from './go-json-shapes.ts'
import { parseImageConfig } from './image-config.ts'
import { goFoldKey, parseStrictJson, StrictJsonError, validateStrictJson, type StrictJsonOptions } from './strict-json.ts'

function refusal(input: string | Uint8Array, opts: StrictJsonOptions = {}): StrictJsonError {
  try {
    parseStrictJson(input, opts)
  } catch (err) {
    assert.ok(err instanceof StrictJsonError, `expected a StrictJsonError, got ${String(err)}`)
    return err
  }
  assert.fail(`accepted: ${typeof input === 'string' ? input.slice(0, 200) : '<bytes>'}`)
}

const manifest = { shape: MANIFEST_SHAPE }

describe('strict JSON: grammar (same answers as JSON.parse)', () => {
  const valid = [
    '{}', '[]', '0', '-0', '1.5e+3', '-12.25E-2', '"x"', 'true', 'false', 'null', ' \t\r\n{ "a" : [ 1 , { } , [ ] , "b" ] } ',
    '"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"', '"\\ud83d\\ude00"', '"😀"', '{"a":{"b":{"c":[[[null]]]}}}',
  ]
  for (const text of valid) {
    it(`accepts ${text.trim().slice(0, 40)}`, () => {
      assert.deepEqual(parseStrictJson(text), JSON.parse(text))
    })
  }
  const invalid = [
    '', ' ', '{', '}', '[1,]', '{"a":1,}', '{"a" 1}', '{a:1}', "{'a':1}", '01', '1.', '.5', '-', '1e', '+1', 'tru', 'nul',
    '"abc', '"\\x"', '"\\u12"', '"\t"', '{} {}', '[1 2]', 'NaN', '{"a":1]', '[1}',
  ]
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => JSON.parse(text), 'JSON.parse refuses it too')
      refusal(text)
    })
  }
})

describe('strict JSON: duplicate keys', () => {
  it('refuses an exact duplicate, naming the key', () => {
    const err = refusal('{"config":{},"layers":[],"config":{}}', manifest)
    assert.match(err.reason, /duplicate key "config"/)
  })

  it('compares keys after unescaping: "con\\u0066ig" is "config"', () => {
    const err = refusal('{"config":{},"con\\u0066ig":{}}', manifest)
    assert.match(err.reason, /duplicate key "config"/)
  })

  it('refuses duplicates in maps and in objects of unknown fields too, with the path', () => {
    const err = refusal('{"annotations":{"a":"1","a":"2"}}', manifest)
    assert.match(err.reason, /duplicate key "a"/)
    assert.equal(err.path, '$.annotations')
    assert.match(refusal('{"x":[{"k":1},{"k":1,"k":2}]}').path, /^\$\.x\[1\]$/)
  })

  it('keys that differ only in case are not duplicates in a map (Go maps are case-sensitive)', () => {
    assert.deepEqual(parseStrictJson('{"annotations":{"a":"1","A":"2"}}', manifest), { annotations: { a: '1', A: '2' } })
  })

  it('the same key in sibling objects is fine', () => {
    assert.deepEqual(parseStrictJson('[{"a":1},{"a":2}]'), [{ a: 1 }, { a: 2 }])
  })
})

describe('strict JSON: Go struct field folding', () => {
  it('refuses a case variant next to the exact field (Go takes the last one)', () => {
    const err = refusal('{"layers":[],"Layers":[]}', manifest)
    assert.match(err.reason, /key "Layers" is not the exact spelling of the field "layers"/)
    assert.equal(err.path, '$')
  })

  it('refuses a case variant alone (Go still binds it to the field)', () => {
    assert.match(refusal('{"Subject":{}}', manifest).reason, /"Subject".*"subject"/)
    assert.match(refusal('{"SCHEMAVERSION":2}', manifest).reason, /"schemaVersion"/)
  })

  it('folds U+017F LONG S to s and U+212A KELVIN SIGN to k, as Go does', () => {
    assert.match(refusal('{"layers":[],"layer\u017f":[]}', manifest).reason, /key "layer\\u017f" .* field "layers"/)
    assert.match(refusal('{"layers":[],"layer\\u017f":[]}', manifest).reason, /field "layers"/)
    const shape = { shape: IMAGE_CONFIG_SHAPE }
    assert.match(refusal('{"config":{"Healthcheck":{},"Healthchec\u212A":{"Test":["CMD","x"]}}}', shape).reason, /key "Healthchec\\u212a" .* field "Healthcheck"/)
    assert.equal(goFoldKey('\u212Aelvin'), 'KELVIN')
    assert.equal(goFoldKey('\u017f'), 'S')
  })

  it('applies inside nested structs: descriptors, platforms, image config', () => {
    assert.equal(refusal('{"manifests":[{"Digest":"x"}]}', manifest).path, '$.manifests[0]')
    assert.match(refusal('{"manifests":[{"platform":{"OS":"linux"}}]}', manifest).reason, /field "os"/)
    assert.match(refusal('{"config":{"digest":"a","DIGEST":"b"}}', manifest).reason, /field "digest"/)
    const config = { shape: IMAGE_CONFIG_SHAPE }
    assert.match(refusal('{"rootfs":{"type":"layers","diff_ids":[]},"RootFS":{}}', config).reason, /"RootFS".*"rootfs"/)
    assert.match(refusal('{"rootfs":{"type":"layers","Diff_IDs":[]}}', config).reason, /"Diff_IDs".*"diff_ids"/)
    assert.match(refusal('{"config":{"User":"app","user":"root"}}', config).reason, /"user".*"User"/)
    assert.match(refusal('{"history":[{"created_by":"x","Empty_Layer":true}]}', config).reason, /"empty_layer"/)
  })

  it('a field spelled exactly in two clients\' structs (moby "Size", containers/image "size") takes either, never both', () => {
    const config = { shape: IMAGE_CONFIG_SHAPE }
    assert.deepEqual(parseStrictJson('{"Size":1}', config), { Size: 1 })
    assert.deepEqual(parseStrictJson('{"size":1}', config), { size: 1 })
    assert.match(refusal('{"size":1,"Size":2}', config).reason, /"Size" names the same field as an earlier key/)
    assert.match(refusal('{"SIZE":1}', config).reason, /not the exact spelling/)
  })

  it('leaves map keys and unknown fields alone (Go matches those exactly or ignores them)', () => {
    const doc = '{"config":{"Labels":{"user":"a","USER":"b"},"Env":["A=1"],"ExposedPorts":{"80/tcp":{}}},"unknown":{"Layers":1,"layers":2}}'
    assert.deepEqual(parseStrictJson(doc, { shape: IMAGE_CONFIG_SHAPE }), JSON.parse(doc))
  })

  it('accepts exact spellings, including Docker\'s capitalised container config fields', () => {
    const doc = JSON.stringify({
      architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', docker_version: '24',
      config: { User: 'app', Env: ['PATH=/bin'], Cmd: ['sh'], ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, Healthcheck: { Test: ['CMD', 'true'] } },
      container_config: { Hostname: 'h', Cmd: ['/bin/sh', '-c', '#(nop)'] },
      rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
      history: [{ created_by: 'x', empty_layer: true }],
    })
    assert.deepEqual(parseImageConfig(new TextEncoder().encode(doc)), JSON.parse(doc))
  })
})

describe('strict JSON: depth', () => {
  it('refuses nesting deeper than the limit, and accepts exactly the limit', () => {
    assert.deepEqual(parseStrictJson('[[[]]]', { maxDepth: 3 }), [[[]]])
    assert.match(refusal('[[[[]]]]', { maxDepth: 3 }).reason, /nested deeper than 3 levels/)
    assert.match(refusal('{"a":{"b":{"c":{}}}}', { maxDepth: 3 }).reason, /nested deeper than 3/)
  })

  it('refuses a 1.9-million-level document without recursion (default limit 64)', () => {
    const deep = `{"x":${'['.repeat(1_900_000)}${']'.repeat(1_900_000)}}`
    const err = refusal(deep, manifest)
    assert.match(err.reason, /nested deeper than 64 levels/)
  })

  it('an unclosed deep document is refused for depth, not parsed', () => {
    assert.match(refusal('['.repeat(100_000)).reason, /nested deeper than 64/)
  })
})

describe('strict JSON: number of values', () => {
  it('counts every value (not keys) and refuses one past the limit', () => {
    assert.deepEqual(parseStrictJson('{"a":[1,2],"b":"x"}', { maxValues: 5 }), { a: [1, 2], b: 'x' })
    assert.match(refusal('{"a":[1,2,3],"b":"x"}', { maxValues: 5 }).reason, /more than 5 JSON values/)
  })

  it('refuses 1.3 million empty objects at the default limit (100000) before JSON.parse builds them', () => {
    const wide = `{"x":[${Array(1_300_000).fill('{}').join(',')}]}`
    assert.match(refusal(wide, manifest).reason, /more than 100000 JSON values/)
  })
})

describe('strict JSON: encoding', () => {
  it('refuses a UTF-8 byte order mark (Go clients cannot parse it)', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])
    assert.match(refusal(bytes).reason, /byte order mark/)
    assert.match(refusal('\ufeff{}').reason, /byte order mark/)
  })

  it('refuses invalid UTF-8', () => {
    assert.match(refusal(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])).reason, /UTF-8/)
  })

  it('refuses unpaired surrogate escapes (Go turns them into U+FFFD, so distinct keys could collide)', () => {
    assert.match(refusal('{"annotations":{"\\ud800":"a","\\udc00":"b"}}', manifest).reason, /surrogate/)
    assert.match(refusal('"\\ud800x"').reason, /surrogate/)
    assert.match(refusal('"\\udfff"').reason, /surrogate/)
    assert.match(refusal('"\ud800"').reason, /surrogate/)
  })

  it('quotes odd keys readably in reasons', () => {
    assert.match(refusal('{"a\\n":1,"a\\n":2}').reason, /duplicate key "a\\u000a"/)
  })
})

describe('strict JSON: cost', () => {
  it('a wide object of distinct keys and long strings validates (linear pass)', () => {
    const wide = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":"${'v'.repeat(20)}"`).join(',')}}`
    validateStrictJson(wide, manifest)
    validateStrictJson(`{"annotations":{"a":"${'x'.repeat(2_000_000)}"}}`, manifest)
  })
})
