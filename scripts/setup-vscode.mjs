#!/usr/bin/env node
// Installs the test VS Code: code-server 4.100.3 (VS Code 1.100.3, the last line that runs on Node 20) into
// .vscode-test/code-server. A desktop VS Code cannot be downloaded on our machines, code-server comes from the npm
// registry. Its own postinstall downloads ripgrep from the internet and fails here, so we install with
// --ignore-scripts and do its steps by hand, using Debian's `rg` (see shared/harness/VSCODE-IN-BROWSER.md).
// A marker file written last makes a half-finished install start over instead of being trusted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const installDir = path.join(repoRoot, '.vscode-test', 'code-server');
export const codeServerDir = path.join(installDir, 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
const marker = path.join(installDir, '.complete');

export function isInstalled() {
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerEntry);
}

function say(msg) {
  console.log(`[setup-vscode] ${msg}`);
}

function run(cmd, args, cwd, extraEnv = {}) {
  say(`${path.relative(repoRoot, cwd) || '.'}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', ...extraEnv },
  });
}

function link(target, at) {
  try {
    if (lstatSync(at)) unlinkSync(at);
  } catch {
    /* not there yet */
  }
  symlinkSync(target, at);
}

function which(bin) {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function setupVsCode() {
  if (isInstalled()) {
    say(`code-server ${CODE_SERVER_VERSION} already installed in ${path.relative(repoRoot, installDir)}`);
    return;
  }
  const rg = which('rg');
  if (!rg) {
    throw new Error('ripgrep (`rg`) is missing: install it first (apt-get install -y ripgrep); code-server needs it for search');
  }
  const started = Date.now();
  say(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, installDir)} (about a minute)`);
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  // A package.json of its own so npm does not walk up into the repo's manifest and lockfile.
  writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'test-vscode', private: true }, null, 2));
  run('npm', ['install', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], installDir);

  const vscodeDir = path.join(codeServerDir, 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock'], vscodeDir);
  run('npm', ['rebuild', '@parcel/watcher', '@vscode/spdlog', '@vscode/deviceid', 'kerberos', 'native-watchdog', 'node-pty'], vscodeDir, {
    npm_config_yes: 'true',
  });
  const rgBinDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBinDir, { recursive: true });
  link(rg, path.join(rgBinDir, 'rg'));
  link('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  run('npm', ['install', '--omit=dev', '--no-package-lock'], path.join(vscodeDir, 'extensions'));
  // argon2 is hoisted next to code-server, so it is rebuilt from the install folder (npm's root there).
  run('npm', ['rebuild', 'argon2'], installDir, { npm_config_yes: 'true' });

  // A rebuild that quietly skipped its install script would leave code-server failing at start: check the binaries.
  const natives = [
    path.join(installDir, 'node_modules', 'argon2', 'lib', 'binding', 'napi-v3', 'argon2.node'),
    path.join(vscodeDir, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    path.join(vscodeDir, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    path.join(vscodeDir, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
  ];
  const missing = natives.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`native modules did not build: ${missing.map((f) => path.relative(installDir, f)).join(', ')}`);

  writeFileSync(marker, `${CODE_SERVER_VERSION}\n`);
  say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    setupVsCode();
  } catch (err) {
    console.error(`[setup-vscode] failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
