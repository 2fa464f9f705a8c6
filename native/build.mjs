// Builds the optional native backend, native/build/Release/vgg_native.node, with
// node-gyp. It never fails an install: when the build cannot run (no C++
// compiler, no Node headers, unsupported platform) it prints one line saying
// the native backend is unavailable and exits 0; the TypeScript kernels still work.
// An addon already built from the same sources, flags and Node ABI is kept: a
// stamp next to it (build/stamp.txt) records what it was built from, so a
// second install (npx installing the package into its cache, say) takes no time.
//
//   node native/build.mjs            build (quiet; the log goes to native/build/build.log)
//   VGG_SKIP_NATIVE=1                skip the build
//   VGG_NATIVE_VERBOSE=1             stream node-gyp's output
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addon = join(here, 'build', 'Release', 'vgg_native.node');
const stampFile = join(here, 'build', 'stamp.txt');

function unavailable(reason) {
  console.log(`vgg-ts: native backend unavailable (${reason}); using the TypeScript kernels`);
  process.exit(0);
}

if (process.env.VGG_SKIP_NATIVE === '1') {
  console.log('vgg-ts: native backend build skipped (VGG_SKIP_NATIVE=1)');
  process.exit(0);
}

/** node-gyp's CLI script: npm's own (set for lifecycle scripts), a dependency, or npm's bundled copy. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** What the addon is built from: the sources, binding.gyp, the compiler settings in the environment and the Node ABI. */
function buildStamp(nodedir) {
  const hash = createHash('sha256');
  const sources = readdirSync(join(here, 'src'), { recursive: true }).map(String).sort();
  for (const file of ['binding.gyp', ...sources.map((f) => join('src', f))]) {
    const path = join(here, file);
    if (!existsSync(path) || !/\.(cc|h|inc|gyp)$/.test(file)) continue;
    hash.update(`${file}\0`).update(readFileSync(path)).update('\0');
  }
  const settings = ['CC', 'CXX', 'CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS'].map(
    (k) => `${k}=${process.env[k] ?? ''}`,
  );
  // The headers node-gyp builds against: npm names them in npm_config_nodedir, a plain run passes --nodedir.
  hash.update([...settings, `nodedir=${process.env.npm_config_nodedir || (nodedir ?? '')}`].join('\n'));
  return `${process.platform}-${process.arch}-abi${process.versions.modules} ${hash.digest('hex')}\n`;
}

// Use the running Node's own headers when npm does not name a nodedir, so the
// build needs no download.
const prefix = dirname(dirname(process.execPath));
const nodedir =
  !process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
const stamp = buildStamp(nodedir);
if (existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log('vgg-ts: native backend already built from these sources');
  process.exit(0);
}

const gyp = findNodeGyp();
if (!gyp) unavailable('node-gyp not found');

const args = [gyp, 'rebuild', '-j', 'max'];
if (nodedir) args.push(`--nodedir=${nodedir}`);

const verbose = process.env.VGG_NATIVE_VERBOSE === '1';
const started = Date.now();
const result = spawnSync(process.execPath, args, {
  cwd: here,
  stdio: verbose ? 'inherit' : 'pipe',
  encoding: 'utf8',
  timeout: 15 * 60 * 1000,
});

if (!verbose) {
  try {
    mkdirSync(join(here, 'build'), { recursive: true });
    writeFileSync(join(here, 'build', 'build.log'), `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  } catch {
    // the log is a convenience only
  }
}

if (result.error || result.status !== 0 || !existsSync(addon)) {
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status ?? result.signal}`;
  unavailable(`${why}; see native/build/build.log`);
}
writeFileSync(stampFile, stamp);
console.log(`vgg-ts: native backend built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
