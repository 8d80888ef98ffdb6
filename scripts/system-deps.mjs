#!/usr/bin/env node
// The one place that knows what this project needs from the machine: a Node version (as package.json's `engines`
// says) and Debian packages, per purpose. `npm start`, `npm test`, `npm run bench` and `.ci/run` all call it, so a new
// user, a developer and CI can never disagree about the set-up.
//
// For each purpose it finds what is missing (by the program or file a package provides, so a tool installed another
// way counts too), then installs the missing Debian packages with apt-get when running as root, or through `sudo -n`
// when that works without a password; otherwise it stops at once with the one command to run, and exit code 2.
// When everything is present it prints nothing.
//
//   node scripts/system-deps.mjs start|test|bench [...]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A Debian package, and how to tell it (or an equivalent) is present: a program on PATH or a file. */
const pkg = (name, probe, why) => ({ name, probe, why });

// What the test VS Code (code-server 4.100.3) needs to build its native modules and to run: `npm start` needs it.
const vscode = [
  pkg('libkrb5-dev', { file: '/usr/include/krb5.h' }, "headers for code-server's kerberos module"),
  pkg('ripgrep', { program: 'rg' }, "code-server's search (its installer would download its own)"),
  pkg('g++', { program: 'g++' }, 'builds native modules'),
  pkg('make', { program: 'make' }, 'builds native modules'),
  pkg('python3', { program: 'python3' }, 'node-gyp'),
];

/** The Debian packages of each purpose. */
export const purposes = {
  start: vscode,
  test: [
    ...vscode,
    pkg('chromium', { file: '/usr/bin/chromium' }, 'the browser the integration and e2e layers drive'),
    pkg('golang-go', { program: 'go' }, 'runs the generated Go connection snippet'),
    pkg('default-jdk-headless', { program: 'javac' }, 'runs the generated Java connection snippet'),
    // The library variants of the connection snippets, run as generated: Python's with Debian's python3, Go's in
    // GOPATH mode over Debian's Go source tree (no module can be downloaded in CI).
    pkg('python3-authlib', { file: '/usr/lib/python3/dist-packages/authlib/__init__.py' }, 'runs the Python (Authlib) connection snippet'),
    pkg('python3-requests', { file: '/usr/lib/python3/dist-packages/requests/__init__.py' }, 'the HTTP client of the Python (Authlib) connection snippet'),
    pkg(
      'golang-golang-x-oauth2-dev',
      { file: '/usr/share/gocode/src/golang.org/x/oauth2/clientcredentials/clientcredentials.go' },
      'runs the Go (golang.org/x/oauth2) connection snippet',
    ),
    pkg('strace', { program: 'strace' }, "the durability test reads the control plane's system calls"),
    pkg('postgresql', { file: '/usr/lib/postgresql/15/bin/initdb' }, 'the team store tests run their own PostgreSQL 15 cluster'),
    pkg('nginx-light', { program: 'nginx', dirs: ['/usr/sbin'] }, 'three team replicas behind one URL, as the README deploys them'),
    pkg('openssl', { program: 'openssl' }, "the test certificate of nginx's TLS"),
  ],
  bench: [
    ...vscode,
    pkg('chromium', { file: '/usr/bin/chromium' }, 'times command → form in the test VS Code'),
    pkg('wrk', { program: 'wrk' }, 'load for the token endpoint and gateway benches'),
    pkg('nginx-light', { program: 'nginx', dirs: ['/usr/sbin'] }, "the gateway bench's yardstick"),
  ],
};

function say(line) {
  console.log(`[system-deps] ${line}`);
}

/** Whether `program` is on PATH (or in one of `dirs`, for programs Debian puts in sbin, off a user's PATH). */
function hasProgram(program, dirs = []) {
  const searched = [...(process.env.PATH ?? '').split(path.delimiter), ...dirs].filter(Boolean);
  return searched.some((dir) => existsSync(path.join(dir, program)));
}

function present({ probe }) {
  return probe.file ? existsSync(probe.file) : hasProgram(probe.program, probe.dirs);
}

/** Why Node `version` does not satisfy `range` (a `>=x.y.z` range, as package.json's engines.node), or undefined. */
export function nodeTooOld(range, version) {
  const wanted = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!wanted) return undefined;
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = wanted.slice(1).map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] > need[i]) return undefined;
    if (have[i] < need[i]) {
      return `this project needs Node ${range.trim()} (package.json engines); this is Node ${version.replace(/^v/, '')}. Install Node 20 or later and try again.`;
    }
  }
  return undefined;
}

/** Node older than `engines.node` stops everything with one line. */
function checkNode() {
  const range = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).engines?.node ?? '';
  const tooOld = nodeTooOld(range, process.versions.node);
  if (tooOld) {
    console.error(`[system-deps] ${tooOld}`);
    process.exit(2);
  }
}

/** How to run apt-get here: directly as root, through `sudo -n` when that needs no password, or not at all. */
function privilege() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : undefined;
}

/** Ensures the Debian packages of the given purposes are present; exits 2 when they are missing and cannot be installed. */
export function ensureSystemDeps(...names) {
  checkNode();
  const wanted = new Map();
  for (const name of names) {
    const list = purposes[name];
    if (!list) throw new Error(`unknown purpose "${name}" (one of ${Object.keys(purposes).join(', ')})`);
    for (const p of list) wanted.set(p.name, p);
  }
  const missing = [...wanted.values()].filter((p) => !present(p));
  if (missing.length === 0) return;

  const list = missing.map((p) => p.name).join(' ');
  const command = `sudo apt-get install -y --no-install-recommends ${list}`;
  const prefix = privilege();
  const hasApt = hasProgram('apt-get');
  if (!hasApt || prefix === undefined) {
    console.error(`[system-deps] ${names.join(' and ')} needs these system packages, which are missing:`);
    for (const p of missing) console.error(`  - ${p.name}: ${p.why}`);
    console.error(
      hasApt
        ? `Install them with:\n  ${command}\nthen run the same npm command again.`
        : `This is not a Debian-like system (no apt-get): install the equivalents with your package manager, then run the same npm command again.`,
    );
    process.exit(2);
  }
  const started = Date.now();
  say(`installing ${list} (for ${names.join(' and ')})`);
  // apt-get's and dpkg's own lines are kept back, and shown only when it fails.
  let output = '';
  const apt = (args) => {
    const result = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    output += `${result.stdout ?? ''}${result.stderr ?? ''}`;
    return result.status === 0;
  };
  if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => p.name)])) {
    console.error(output.trimEnd());
    console.error(`[system-deps] apt-get failed (above). Run it yourself, then the same npm command again:\n  ${command}`);
    process.exit(2);
  }
  const still = missing.filter((p) => !present(p));
  if (still.length > 0) {
    console.error(`[system-deps] installed, but still missing: ${still.map((p) => `${p.name} (${p.probe.file ?? p.probe.program})`).join(', ')}`);
    process.exit(2);
  }
  say(`installed ${list} in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  ensureSystemDeps(...(names.length > 0 ? names : ['test']));
}
