/**
 * A small strict JSON parser for untrusted headers.
 *
 * JSON.parse silently keeps the last of duplicate keys and produces plain
 * objects, where a key like "__proto__" is at least confusing. This parser
 * returns objects as Maps (so any key is plain data), rejects duplicate keys
 * at every level, bounds nesting depth, and reports byte-ish positions.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | Map<string, JsonValue>;
export declare class JsonSyntaxError extends Error {
    readonly position: number;
    name: string;
    constructor(message: string, position: number);
}
/** Parses a complete JSON text (surrounding whitespace allowed). Objects become Maps. */
export declare function parseStrictJson(text: string, maxDepth?: number): JsonValue;
