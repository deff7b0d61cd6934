// Fuzzes the parsers with cargo-fuzz (libFuzzer), one target at a time:
//   node scripts/fuzz.mjs                 every target, 60 s each
//   node scripts/fuzz.mjs check 600       one target (probe | metadata | check | check_headers | clean) for 600 s
//   node scripts/fuzz.mjs check 600 16384 inputs up to 16 KB (default 128 KB): more runs per second
//   npm run fuzz -- probe 30
// Installs what it needs once (the nightly toolchain, cargo-fuzz). Seeds each target's corpus
// (fuzz/corpus/<target>/, not committed) from ../shared/corpus files up to 128 KB, the malformed
// fixtures and the committed fuzz regressions. Limits: 10 s per input (a hang), 512 MB RSS and
// 512 MB per allocation (excessive allocation). A crash, hang or allocation failure leaves the
// input in fuzz/artifacts/<target>/ and ends with a non-zero status; minimise it with
//   cargo +nightly fuzz tmin <target> fuzz/artifacts/<target>/<file>
// then commit it under tests/fixtures/fuzz-regressions/ with a test (see tests/malformed.rs).
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root, corpus, run, output, cargoBin } from './lib.mjs';

const TARGETS = ['probe', 'metadata', 'check', 'check_headers', 'clean'];
const MAX_SEED_BYTES = 128 * 1024;

const [which = 'all', secondsArg = '60', maxLenArg = String(MAX_SEED_BYTES)] = process.argv.slice(2);
const seconds = Number(secondsArg);
const maxLen = Number(maxLenArg);
const targets = which === 'all' ? TARGETS : [which];
if (!targets.every((t) => TARGETS.includes(t)) || !(seconds > 0) || !(maxLen > 0)) {
  console.error(`usage: node scripts/fuzz.mjs [${TARGETS.join('|')}|all] [seconds] [max input bytes]`);
  process.exit(2);
}

// 1. Toolchain: nightly (libFuzzer needs -Z sanitizer flags) and cargo-fuzz.
if (!(output('rustup', ['toolchain', 'list']) ?? '').includes('nightly')) {
  run('rustup', ['toolchain', 'install', 'nightly', '--profile', 'minimal']);
}
if (!output(cargoBin('cargo-fuzz'), ['--version'])) {
  console.log('cargo-fuzz not found; installing (about 2 min, once)');
  run('cargo', ['install', 'cargo-fuzz']);
}

/** Copies every regular file of `dir` (recursively) up to MAX_SEED_BYTES into `into`. */
function seed(dir, into, prefix) {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) n += seed(p, into, `${prefix}${name}__`);
    else if (s.size <= MAX_SEED_BYTES && !/\.(json|csv|md)$/i.test(name)) {
      copyFileSync(p, path.join(into, `${prefix}${name}`));
      n++;
    }
  }
  return n;
}

const summary = [];
for (const target of targets) {
  const dir = path.join(root, 'fuzz', 'corpus', target);
  mkdirSync(dir, { recursive: true });
  const seeds = seed(corpus, dir, 'corpus__') + seed(path.join(root, 'tests/fixtures/malformed'), dir, 'malformed__')
    + seed(path.join(root, 'tests/fixtures/fuzz-regressions'), dir, 'regression__');
  console.log(`\n=== fuzz ${target}: ${seconds} s, ${seeds} seed files ===`);
  const args = ['+nightly', 'fuzz', 'run', target, dir, '--',
    `-max_total_time=${seconds}`, '-timeout=10', '-rss_limit_mb=512', '-malloc_limit_mb=512',
    `-max_len=${maxLen}`, '-print_final_stats=1'];
  console.log(`$ cargo ${args.join(' ')}`);
  const t0 = Date.now();
  // libFuzzer reports on stderr: shown as it comes, kept to read the final stats from.
  // A small AddressSanitizer quarantine (default 256 MB) so the RSS limit measures preflight.
  const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'quarantine_size_mb=16' };
  const child = spawn('cargo', args, { cwd: path.join(root, 'fuzz'), env, stdio: ['ignore', 'inherit', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; process.stderr.write(chunk); });
  const status = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const r = { status };
  const stat = (/** @type {string} */ key) => Number(log.match(new RegExp(`stat::${key}:\\s*(\\d+)`))?.[1] ?? NaN);
  const result = {
    target, seconds, max_len: maxLen, wall_s: Math.round((Date.now() - t0) / 1000), status: r.status,
    executions: stat('number_of_executed_units'), execs_per_s: stat('average_exec_per_sec'),
    corpus_added: stat('new_units_added'), peak_rss_mb: stat('peak_rss_mb'),
  };
  summary.push(result);
  if (r.status !== 0) {
    console.error(`\nfuzz ${target} found a problem (exit ${r.status}); the input is in fuzz/artifacts/${target}/`);
    break;
  }
}
console.log('\n=== summary ===');
for (const s of summary) console.log(JSON.stringify(s));
process.exit(summary.every((s) => s.status === 0) ? 0 : 1);
