/** The restricted unpickler: opcode coverage against CPython's output, and hostile pickles. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ForbiddenGlobalError, PickleError } from '../../src/io/errors.js';
import { PyGlobal, PyTuple, unpickle } from '../../src/io/pickle.js';
import { ascii, concat, FIXTURES, fromHex, prototypeKeys, rejects, toHex, u32le } from '../helpers/checkpoints.js';

/** The tagged JSON rendering generate.py uses for pickled values. */
function tagged(v: unknown): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (v instanceof Uint8Array) return { bytes: toHex(v) };
  if (v instanceof PyTuple) return { tuple: v.items.map(tagged) };
  if (Array.isArray(v)) return v.map(tagged);
  if (v instanceof Map) return { dict: [...v].map(([k, x]) => [tagged(k), tagged(x)]) };
  throw new Error(`unexpected value ${String(v)}`);
}

interface PickleCase {
  protocol: number;
  hex: string;
  expected: unknown;
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'pickles.json'), 'utf8')) as PickleCase[];
const p = (...parts: (string | number[] | Uint8Array)[]) =>
  concat(...parts.map((x) => (typeof x === 'string' ? ascii(x) : x)));

describe('unpickler against CPython pickles', () => {
  test('generate.py covered protocols 0 to 5', () => {
    assert.deepEqual(
      cases.map((c) => c.protocol),
      [0, 1, 2, 3, 4, 5],
    );
  });
  for (const c of cases) {
    test(`protocol ${c.protocol}`, () => {
      const bytes = fromHex(c.hex);
      const { value, end } = unpickle(bytes);
      assert.equal(end, bytes.length);
      assert.deepEqual(tagged(value), c.expected);
    });
  }

  test('shared references stay shared (memo), and a list may contain itself', () => {
    const shared = unpickle(fromHex(cases[2].hex)).value as Map<string, unknown>;
    const pair = shared.get('shared') as unknown[];
    assert.equal(pair[0], pair[1]);
    const self = unpickle(p(']q', [0], 'h', [0], 'a.')).value as unknown[];
    assert.equal(self[0], self);
  });

  test('pickles can be read one after another', () => {
    const two = p('K', [1], '.', 'K', [2], '.');
    const first = unpickle(two);
    assert.deepEqual([first.value, first.end], [1, 3]);
    assert.equal(unpickle(two, first.end).value, 2);
  });

  test('allowed globals are inert markers; the call hook decides what calls mean', () => {
    const g = unpickle(p('ctorch\nFloatStorage\n.')).value;
    assert.ok(g instanceof PyGlobal && g.qualifiedName === 'torch.FloatStorage');
    const called = unpickle(p('ctorch\nSize\n((K', [2], 'K', [3], 'ttR.')).value;
    assert.deepEqual(tagged(called), { tuple: [2, 3] });
    rejects(() => unpickle(p('ctorch\nFloatStorage\n)R.')), PickleError);
    rejects(() => unpickle(p('ctorch._utils\n_rebuild_tensor_v2\n)R.')), PickleError);
  });
});

describe('hostile pickles', () => {
  const forbidden: [string, Uint8Array][] = [
    ['os.system', p("cos\nsystem\n(S'echo pwned'\ntR.")],
    ['builtins.eval', p('cbuiltins\neval\n(V1+1\ntR.')],
    ['posix.system', p('cposix\nsystem\n(Vid\ntR.')],
    ['__builtin__.eval', p('c__builtin__\neval\n.')],
    ['subprocess.Popen', p([0x80, 4, 0x8c, 10], 'subprocess', [0x8c, 5], 'Popen', [0x93], '.')],
    ['os.system', p('(Vls\nios\nsystem\n.')], // INST
    ['torch.load', p('ctorch\nload\n.')],
    ['collections.OrderedDict.__init__', p('ccollections\nOrderedDict.__init__\n.')],
    ['torch._utils._rebuild_tensor_v2x', p('ctorch._utils\n_rebuild_tensor_v2x\n.')],
  ];
  for (const [name, bytes] of forbidden) {
    test(`forbidden global ${name}`, () => {
      const err = rejects(() => unpickle(bytes), ForbiddenGlobalError) as ForbiddenGlobalError;
      assert.equal(err.global, name);
      assert.equal(err.name, 'ForbiddenGlobalError');
      assert.match(err.message, new RegExp(name.replace(/[.$]/g, '\\$&')));
    });
  }

  test('100k nested MARKs', () => {
    assert.match(rejects(() => unpickle(p('('.repeat(100_000), '.')), PickleError).message, /MARK nesting/);
  });

  test('200k pushed lists exceed the stack limit', () => {
    assert.match(
      rejects(() => unpickle(p(']'.repeat(200_000), 'a'.repeat(199_999), '.')), PickleError).message,
      /stack/,
    );
  });

  test('containers nested beyond the depth limit', () => {
    assert.match(
      rejects(() => unpickle(p(']'.repeat(3000), 'a'.repeat(2999), '.')), PickleError).message,
      /nested deeper/,
    );
    assert.match(rejects(() => unpickle(p(')', new Array<number>(100_000).fill(0x85), '.'))).message, /nested deeper/);
    assert.match(rejects(() => unpickle(p('}', 'Vk\n}'.repeat(1500), 's'.repeat(1500), '.'))).message, /nested deeper/);
  });

  test('memo references growing exponentially stay linear', () => {
    // L0 = []; L(i) = [L(i-1), L(i-1)]: 2^900 paths, 900 objects.
    const levels = 900;
    const parts: (string | number[])[] = [']r', u32le(0)];
    for (let i = 1; i <= levels; i++) parts.push('(j', u32le(i - 1), 'j', u32le(i - 1), 'lr', u32le(i), '0');
    parts.push('j', u32le(levels), '.');
    const t0 = performance.now();
    const top = unpickle(p(...parts)).value as unknown[];
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(top[0], top[1]);
    // Deeper than the limit is refused.
    const deep: (string | number[])[] = [']r', u32le(0)];
    for (let i = 1; i <= 1500; i++) deep.push('(j', u32le(i - 1), 'j', u32le(i - 1), 'lr', u32le(i), '0');
    rejects(() => unpickle(p(...deep, 'N.')), PickleError);
  });

  test('__proto__ and friends are plain dict keys', () => {
    const before = prototypeKeys();
    const bytes = p('}(V__proto__\n}(Vpolluted\n', [0x88], 'uVconstructor\n}(Vprototype\n}uu.');
    const d = unpickle(bytes).value as Map<string, unknown>;
    assert.ok(d instanceof Map);
    assert.deepEqual([...d.keys()], ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(prototypeKeys(), before);
  });

  const malformed: [string, Uint8Array][] = [
    ['empty input', new Uint8Array(0)],
    ['no STOP', p('K', [1])],
    ['STOP on an empty stack', p('.')],
    ['unknown opcode', p([0xff])],
    ['protocol 6', p([0x80, 6], 'N.')],
    ['BINUNICODE longer than the input', p('X', u32le(0xffffffff), 'abc.')],
    ['BINUNICODE8 of 2^60 bytes', p([0x8d, 0, 0, 0, 0, 0, 0, 0, 0x10], '.')],
    ['BINBYTES8 past 2^53', p([0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], '.')],
    ['FRAME longer than the input', p([0x95, 0, 0, 0, 1, 0, 0, 0, 0], 'N.')],
    ['LONG4 with a huge length', p([0x8b], u32le(0x7fffffff), '.')],
    ['LONG4 with a negative length', p([0x8b], u32le(0xffffffff), '.')],
    ['invalid UTF-8', p([0x8c, 2, 0xc3, 0x28], '.')],
    ['bad memo index', p('Nq', [0], 'g-1\n.')],
    ['BINGET of a missing memo entry', p('h', [5], '.')],
    ['BINPUT on an empty stack', p('q', [0], 'N.')],
    ['SETITEMS with an odd item count', p('}(K', [1], 'u.')],
    ['APPEND to a dict', p('}N', 'a.')],
    ['SETITEM on a list', p(']NNs.')],
    ['unhashable dict key', p('}]Ns.')],
    ['REDUCE on a string', p('Vx\n)R.')],
    ['REDUCE with non-tuple arguments', p('ccollections\nOrderedDict\n]R.')],
    ['BUILD on a list', p(']}b.')],
    ['persistent id without a loader', p('Vx\nQ.')],
    ['TUPLE without MARK', p('t.')],
    ['POP_MARK without MARK', p('1.')],
    ['unterminated GLOBAL line', p('cos')],
    ['bad INT literal', p('I12x\n.')],
    ['EXT1 (extension registry)', p([0x82, 1], '.')],
    ['NEXT_BUFFER (out-of-band data)', p([0x80, 5, 0x97], '.')],
    ['STACK_GLOBAL with non-strings', p('K', [1], 'K', [2], [0x93], '.')],
  ];
  for (const [name, bytes] of malformed) {
    test(`malformed: ${name}`, () => {
      rejects(() => unpickle(bytes), PickleError);
    });
  }
});
