import { describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import { EventStreamParser, type ServerSentEvent } from '../../src/cli/event-stream.js'
import { loadConfig } from '../../src/core/config.js'
import { BodyCutter, KeptBody } from '../../src/inspector/bodies.js'
import { ALL_FIELDS, FORM_FIELD, redactJson, schemaNamesSecret, SECRET_KEY, secretsIn } from '../../src/inspector/redact.js'

// The request inspector's pure parts: what may hold a secret, how it is redacted, how bodies are
// cut, its settings, and the event-stream reader `logs tail` uses.

describe('secretsIn: the substring tests before any parsing', () => {
  it.each([
    ['{"email":"a@b.c"}', 0],
    ['{"authentication":{"force_password_reset":true}}', 0],
    ['{"email":"a@b.c","password":"x"}', SECRET_KEY],
    ['[{"authentication":{"new_password":"x"}}]', SECRET_KEY],
    ['[{"token":"abc"}]', SECRET_KEY],
    ['[{"name":"Shoe size","value":"44"}]', FORM_FIELD],
    ['[{"key":"k","value":"v","namespace":"n"}]', 0],
    ['{"p\\u0061ssword":"x"}', SECRET_KEY | FORM_FIELD],
  ])('%s', (text, expected) => {
    expect(secretsIn(text, text)).toBe(expected)
  })

  it('looks for a form field name in the whole body: it may follow the value that is kept', () => {
    const full = '[{"value":"secret","customer_id":1,"name":"pw"}]'
    expect(secretsIn(full.slice(0, 20), full)).toBe(FORM_FIELD)
  })
})

describe('redactJson', () => {
  it('replaces secret keys at any depth and password form field values, and keeps the rest', () => {
    const body = [
      { email: 'a@b.c', authentication: { new_password: 'x1', force_password_reset: false }, form_fields: [{ name: 'pw', value: 'x2' }, { name: 'size', value: 44 }] },
      { token: 'x3', nested: [{ password: 'x4' }], password: null },
    ]
    expect(JSON.parse(redactJson(JSON.stringify(body), new Set(['pw'])))).toEqual([
      { email: 'a@b.c', authentication: { new_password: '[redacted]', force_password_reset: false }, form_fields: [{ name: 'pw', value: '[redacted]' }, { name: 'size', value: 44 }] },
      { token: '[redacted]', nested: [{ password: '[redacted]' }], password: null },
    ])
  })

  it('takes every form field for a password when the store could not say', () => {
    expect(redactJson('[{"name":"size","value":44}]', ALL_FIELDS)).toBe('[{"name":"size","value":"[redacted]"}]')
  })

  it('replaces text that is not JSON whole, and keeps a __proto__ key a plain key', () => {
    expect(redactJson('{"password":"x"', new Set())).toBe('[redacted]')
    expect(redactJson('{"__proto__":{"password":"x"}}', new Set())).toBe('{"__proto__":{"password":"[redacted]"}}')
  })
})

describe('schemaNamesSecret: which responses are searched', () => {
  it('finds a secret key anywhere in a response schema, and only there', () => {
    const instrument = Type.Object({ token: Type.String(), is_default: Type.Boolean() })
    expect(schemaNamesSecret({ 200: Type.Array(Type.Union([instrument])) })).toBe(true)
    expect(schemaNamesSecret({ 200: Type.Object({ data: Type.Array(Type.Object({ authentication: Type.Object({ force_password_reset: Type.Boolean() }) })) }) })).toBe(false)
  })
})

describe('bodies cut at INSPECTOR_BODY_LIMIT bytes', () => {
  const cases: [string, number, string | null, boolean][] = [
    ['', 10, null, false],
    ['{"a":1}', 10, '{"a":1}', false],
    ['0123456789ab', 10, '0123456789', true],
    // 'é' is two bytes: the cut never splits one
    ['"ééééé"', 6, '"éé', true],
    ['"éé"', 6, '"éé"', false],
    ['{"a":1}', 0, null, true],
  ]

  it.each(cases)('%j at %i bytes', (text, limit, body, truncated) => {
    const kept = new KeptBody()
    kept.keep(text, limit)
    expect(kept.exchange({})).toEqual({ headers: {}, body, body_truncated: truncated })
    expect(new BodyCutter(limit).exchange({ headers: {}, text })).toEqual({ headers: {}, body, body_truncated: truncated })
  })

  it('a slot keeps a shorter body after a longer one in the same buffer, and no body after that', () => {
    const kept = new KeptBody()
    kept.keep('x'.repeat(50), 100)
    kept.keep('short', 100)
    expect(kept.exchange({}).body).toBe('short')
    kept.keep(undefined, 100)
    expect(kept.exchange({})).toEqual({ headers: {}, body: null, body_truncated: false })
  })
})

describe('INSPECTOR, INSPECTOR_SIZE, INSPECTOR_BODY_LIMIT', () => {
  it('default to on, 200 entries, 16 KiB', () => {
    expect(loadConfig({}).inspector).toEqual({ enabled: true, size: 200, bodyLimit: 16_384 })
  })

  it('read on/off and the flag words, and refuse the rest naming the variable', () => {
    expect(loadConfig({ INSPECTOR: 'off', INSPECTOR_SIZE: '5', INSPECTOR_BODY_LIMIT: '0' }).inspector).toEqual({ enabled: false, size: 5, bodyLimit: 0 })
    expect(loadConfig({ INSPECTOR: 'false' }).inspector.enabled).toBe(false)
    expect(loadConfig({ INSPECTOR: 'ON' }).inspector.enabled).toBe(true)
    expect(() => loadConfig({ INSPECTOR: 'maybe' })).toThrow('INSPECTOR must be on or off, not "maybe"')
    expect(() => loadConfig({ INSPECTOR_SIZE: '0' })).toThrow('INSPECTOR_SIZE must be a positive integer, not "0"')
  })
})

describe('EventStreamParser', () => {
  it('reads events split anywhere across chunks, CRLF lines, multi-line data and comments', () => {
    const events: ServerSentEvent[] = []
    const comments: string[] = []
    const parser = new EventStreamParser((e) => events.push(e), (c) => comments.push(c))
    const text = ': connected\n\nid: 1\ndata: {"a":\ndata: 1}\n\nevent: x\r\ndata: two\r\n\r\n'
    for (const chunk of text.match(/.{1,3}/gs)!) parser.push(chunk)
    expect(comments).toEqual(['connected'])
    expect(events).toEqual([{ id: '1', event: undefined, data: '{"a":\n1}' }, { id: '1', event: 'x', data: 'two' }])
  })
})
