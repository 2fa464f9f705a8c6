/**
 * Every example in README.md and docs/*.md works: each ```ts block type-checks
 * against the built declarations and runs with node against the built package
 * (imported by its name, 'vgg-ts'); each `vgg …` command of a ```sh block runs
 * as a user would type it, offline; links between the pages resolve. A block
 * preceded by `<!-- docs-test: skip (reason) -->` is not run and is reported
 * as skipped with that reason. Examples run in a fresh folder holding links to
 * examples/ and models/, so their relative paths are a clone's, and they write
 * nothing into the repository.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../helpers/paths.js';

interface CodeBlock {
  file: string;
  line: number;
  lang: string;
  code: string;
  skip: string | null;
}

const SKIP_MARKER = /^<!--\s*docs-test:\s*skip\s*\((.+)\)\s*-->$/;

function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    let prev = start - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const skip = prev >= 0 ? (SKIP_MARKER.exec(lines[prev].trim())?.[1] ?? null) : null;
    blocks.push({ file, line: start + 1, lang: open[1], code: body.join('\n'), skip });
  }
  return blocks;
}

const docFiles = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const blocks = docFiles.flatMap(codeBlocks);

/** GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(file: string): Set<string> {
  const headings = readFileSync(file, 'utf8').match(/^#{1,6} .*$/gm) ?? [];
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

/** The `vgg …` commands of a shell block: other commands (npm install, npm test) are a user's, not the test's. */
function vggCommands(code: string): string[] {
  return code
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .flatMap((l) => l.split('&&').map((s) => s.trim()))
    .filter((s) => /^(npx )?vgg\b/.test(s))
    .map((s) => s.replace(/^npx /, ''));
}

describe('code blocks in README.md and docs/', () => {
  let work = '';
  let scripts = '';
  let env: NodeJS.ProcessEnv = {};

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'vgg-docs-'));
    for (const dir of ['examples', 'models']) symlinkSync(join(repoRoot, dir), join(work, dir));
    const bin = join(work, '.bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'vgg'),
      `#!/bin/sh\nexec node ${JSON.stringify(join(repoRoot, 'dist/src/cli/main.js'))} "$@"\n`,
    );
    chmodSync(join(bin, 'vgg'), 0o755);
    // Inside the package, so that `import … from 'vgg-ts'` resolves to the build by the package's own name.
    scripts = mkdtempSync(join(repoRoot, 'dist', 'docs-examples-'));
    env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      TORCH_HOME: join(work, '.torch'),
      VGG_DATA_DIR: join(work, '.datasets'),
      VGG_OFFLINE: '1',
    };
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(scripts, { recursive: true, force: true });
  });

  it('finds examples to run, and every skip says why', () => {
    assert.ok(
      blocks.filter((b) => b.lang === 'ts').length >= 10,
      'fewer ts blocks than expected: is the parser broken?',
    );
    for (const b of blocks)
      if (b.skip !== null) assert.ok(b.skip.length > 10, `${b.file}:${b.line}: skip without a reason`);
  });

  it('links between the pages point at files and headings that exist', () => {
    for (const file of docFiles) {
      const text = readFileSync(join(repoRoot, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const resolved = path === '' ? join(repoRoot, file) : join(repoRoot, dirname(file), path);
        assert.ok(existsSync(resolved), `${file}: link ${target} points at a missing file`);
        if (anchor) assert.ok(headingAnchors(resolved).has(anchor), `${file}: link ${target} names no heading`);
      }
    }
  });

  it('every ts block type-checks against the built declarations, skipped blocks too', () => {
    const tsBlocks = new Map<string, CodeBlock>();
    for (const b of blocks.filter((b) => b.lang === 'ts')) {
      const file = join(scripts, `${b.file.replace(/\W/g, '_')}_${b.line}.mts`);
      writeFileSync(file, b.code);
      tsBlocks.set(file, b);
    }
    const program = ts.createProgram([...tsBlocks.keys()], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const block = d.file ? tsBlocks.get(d.file.fileName) : undefined;
      if (!d.file || !block || d.start === undefined) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${block.file}:${block.line + 1 + line}: ${message}`;
    });
    assert.deepEqual(problems, []);
  });

  for (const b of blocks.filter((b) => b.lang === 'ts')) {
    it(`${b.file}:${b.line} (ts)`, { skip: b.skip ?? false, timeout: 60_000 }, () => {
      const js = ts.transpileModule(b.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const script = join(scripts, `${b.file.replace(/\W/g, '_')}_${b.line}.mjs`);
      writeFileSync(script, js);
      const r = spawnSync(process.execPath, [script], { cwd: work, env, encoding: 'utf8', timeout: 55_000 });
      assert.equal(r.status, 0, `${b.file}:${b.line} exited with ${r.status}\n${r.stdout}\n${r.stderr}`);
    });
  }

  for (const b of blocks.filter((b) => b.lang === 'sh')) {
    for (const cmd of vggCommands(b.code)) {
      it(`${b.file}:${b.line} $ ${cmd}`, { skip: b.skip ?? false, timeout: 60_000 }, () => {
        const r = spawnSync('sh', ['-c', cmd], { cwd: work, env, encoding: 'utf8', timeout: 55_000 });
        assert.equal(r.status, 0, `${b.file}:${b.line} \`${cmd}\` exited with ${r.status}\n${r.stdout}\n${r.stderr}`);
      });
    }
  }
});
