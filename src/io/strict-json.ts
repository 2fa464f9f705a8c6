/**
 * A small strict JSON parser for untrusted headers.
 *
 * JSON.parse silently keeps the last of duplicate keys and produces plain
 * objects, where a key like "__proto__" is at least confusing. This parser
 * returns objects as Maps (so any key is plain data), rejects duplicate keys
 * at every level, bounds nesting depth, and reports byte-ish positions.
 */

import { VggError } from '../errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | Map<string, JsonValue>;

export class JsonSyntaxError extends VggError {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position}`);
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  fail(msg: string): never {
    throw new JsonSyntaxError(msg, this.pos);
  }

  ws(): void {
    while (this.pos < this.s.length && WS.has(this.s.charCodeAt(this.pos))) this.pos++;
  }

  value(depth: number): JsonValue {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail(c === undefined ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`);
  }

  literal<T>(word: string, v: T): T {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    return this.fail('invalid literal');
  }

  number(): number {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.s);
    if (m === null) this.fail('invalid number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= this.s.length) this.fail('unterminated string');
      const ch = this.s.charCodeAt(this.pos);
      if (ch === 0x22) {
        out += this.s.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (ch < 0x20) this.fail('control character in string');
      if (ch !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.s.slice(runStart, this.pos);
      const e = this.s[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail('bad escape');
      }
      runStart = this.pos;
    }
  }

  array(depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  object(depth: number): Map<string, JsonValue> {
    this.pos++;
    const out = new Map<string, JsonValue>();
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('expected a string key');
      const keyPos = this.pos;
      const key = this.string();
      if (out.has(key)) {
        this.pos = keyPos;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      this.ws();
      if (this.s[this.pos++] !== ':') this.fail("expected ':'");
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }
}

/** Parses a complete JSON text (surrounding whitespace allowed). Objects become Maps. */
export function parseStrictJson(text: string, maxDepth = 64): JsonValue {
  const p = new Parser(text, maxDepth);
  const v = p.value(0);
  p.ws();
  if (p.pos !== text.length) p.fail('trailing characters after JSON value');
  return v;
}
