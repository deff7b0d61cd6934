// Small helpers shared by the setup, build, test and bench scripts (no dependencies).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const corpus = process.env.PREFLIGHT_CORPUS || path.resolve(root, '../shared/corpus');
export const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
export const chromedriver = process.env.CHROMEDRIVER || '/usr/bin/chromedriver';

/** Runs a command with inherited stdio; throws with the command line if it fails. */
export function run(cmd, args, opts = {}) {
  const shown = [cmd, ...args].join(' ');
  if (!opts.quiet) console.log(`$ ${shown}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw new Error(`${shown}: ${r.error.message}`);
  if (r.status !== 0) {
    const err = new Error(`${shown} exited with ${r.status}`);
    err.status = r.status;
    throw err;
  }
}

/** Runs a command and returns its stdout (trimmed), or null if it cannot run or fails. */
export function output(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, ...opts });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function cargoBin(name) {
  const home = process.env.CARGO_HOME || path.join(process.env.HOME || '/root', '.cargo');
  const p = path.join(home, 'bin', name);
  return existsSync(p) ? p : name;
}
