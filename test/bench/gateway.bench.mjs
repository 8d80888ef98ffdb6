// The gateway with token checking, beside the upstream called directly and beside nginx (Debian's package, one
// worker) as a plain reverse proxy to the same upstream, under the same wrk load on loopback.
// Throughput: wrk with 50 connections. Added latency: the median with one connection (no queueing), minus the
// upstream's own median. Two more rows are yardsticks for what Node itself costs in this run: a bare undici proxy
// with no token check (gateway/bareProxy.mjs, the issue's own reference), and the gateway's forwarding alone, with its
// own upstream client and no token check or routing (gateway/ourProxy.mjs): the gap to it is what checking costs. CPU/request is the server process's CPU time (user + system)
// per request under load: on a shared machine it moves less than req/s. Run: node --import tsx test/bench/gateway.bench.mjs [seconds]
// BENCH_BASELINE_BUNDLE=/path/controlPlane.js adds a row for another build of the control plane (e.g. main's) in the same rounds.
// BENCH_NEW_CONNECTIONS=1: the upstream closes its connection after each answer, so every call makes a new upstream
// connection (where the gateway's address rule runs, gateway/upstream/connector.ts).
// Goal (issue 4): at least 0.5 of nginx's requests per second, under 1 ms added at the median.
// Issue 24: every call through the gateway carries an X-JWT-Assertion (signed once per token and connection, then
// reused); the row "browser call (Origin, CORS)" sends an Origin, so the answer gets the endpoint's CORS headers. Its
// CPU beside the plain row is what CORS costs; beside the baseline bundle (main's) what both cost. The cost of one
// signature against one reuse is measured in this process at the end.
// A person's token is refused once its grant ended (idp/liveGrants.ts): a repeated call is forwarded from the decision
// kept for it, as an application token's, so a wrk row would show nothing; the check a call judged from the records
// pays is measured in this process at the end (gateway/grantCheck.mjs), through the file store and PostgreSQL's.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grantCheckFigures } from './gateway/grantCheck.mjs';
import { api, controlPlaneBundle, freePort, startControlPlane, startProcess } from './tokens/controlPlane.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const tmp = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
const children = [];

// The same small upstream for all three: a keep-alive node:http server answering a short JSON body (or closing the
// connection after each answer, with BENCH_NEW_CONNECTIONS=1).
const newConnections = process.env.BENCH_NEW_CONNECTIONS === '1';
const UPSTREAM = `
const http = require('node:http');
const body = '{"message":"Hello, World!"}';
const s = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length${newConnections ? ", connection: 'close'" : ''} });
  res.end(body);
});
s.listen(0, '127.0.0.1', () => console.log('listening http://127.0.0.1:' + s.address().port));
`;

function toMs(value, unit) {
  return Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];
}

/** CPU time (user + system, ms) a process has used so far; 0 once it is gone. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** The nginx worker processes (children of the master), whose CPU is what proxying costs. */
function childPids(parent) {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(parent)) pids.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return pids;
}

function wrk(url, { connections, secs, token, headers = [], pids = [] }) {
  const cpuBefore = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const args = ['-t1', `-c${connections}`, `-d${secs}s`, '--latency', url];
  if (token) args.push('-H', `Authorization: Bearer ${token}`);
  for (const h of headers) args.push('-H', h);
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (secs + 30) * 1000 });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.error}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s)\b/.exec(r.stdout);
  const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(r.stdout)?.[0];
  if (bad > 0 || errors) throw new Error(`${url}: ${bad} non-2xx answers ${errors ?? ''}\n${r.stdout}`);
  // CPU per request of the server under test: less disturbed by the other work on a shared machine than req/s.
  const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1]);
  const cpuUs = pids.length ? ((pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - cpuBefore) * 1000) / requests : NaN;
  return { rps, p50: p50 ? toMs(p50[1], p50[2]) : NaN, cpuUs };
}

async function startNginx(upstreamUrl) {
  const dir = join(tmp, 'nginx');
  for (const d of ['', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d), { recursive: true });
  const port = await freePort();
  const up = new URL(upstreamUrl);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream upstream { server ${up.host}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }
  }
}
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'inherit' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${url}/`)).ok) return { child, url };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not start');
}

// BENCH_BUILDS=/a/controlPlane.js,/b/controlPlane.js: only the gateway of this build beside the gateways of those
// builds, each round in another order (a row's place in a round moves its figures: with a new upstream connection per
// call, the sockets the rows before it left in TIME_WAIT do), and CPU per call as same-round ratios to this build.
const comparedBuilds = (process.env.BENCH_BUILDS ?? '').split(',').filter(Boolean);

async function compareBuilds(self, builds, gatewayUnderTest) {
  const rows = [self];
  for (const [i, bundle] of builds.entries()) {
    const g = await gatewayUnderTest(bundle, join(tmp, `build-${i}`));
    rows.push({ name: bundle, url: g.gw, token: g.token, pids: [g.cp.child.pid] });
  }
  for (const row of rows) wrk(row.url, { connections: 10, secs: 1, token: row.token }); // warm-up (JIT, pools)
  const runs = rows.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < rows.length; k++) {
      const i = (k + r) % rows.length;
      runs[i].push(wrk(rows[i].url, { connections: 50, secs: seconds, token: rows[i].token, pids: rows[i].pids }));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  console.log(
    `the gateway of each build, wrk -t1 -c50, ${seconds} s per run, ${rounds} rounds in rotating order${newConnections ? ', a new upstream connection per call' : ', keep-alive upstream'}`,
  );
  for (const [i, row] of rows.entries()) {
    const cpu = runs[i].map((x) => x.cpuUs);
    const ratios = cpu.map((c, r) => c / runs[0][r].cpuUs);
    console.log(
      `${row.name}: CPU/request median ${median(cpu).toFixed(1)} µs (rounds ${cpu.map((c) => c.toFixed(1)).join(', ')}), best ${Math.round(best(runs[i], 'rps')).toLocaleString('en-US')} req/s` +
        (i === 0 ? '' : `; this build / it, CPU per round: ${ratios.map((x) => (1 / x).toFixed(3)).join(', ')} (median ${(1 / median(ratios)).toFixed(3)})`),
    );
  }
}

const best = (runs, key) => (key === 'rps' ? Math.max(...runs.map((r) => r.rps)) : Math.min(...runs.map((r) => r.p50)));

try {
  const upstream = await startProcess(process.execPath, ['-e', UPSTREAM], /^listening (\S+)$/m);
  children.push(upstream.child);
  const nginx = await startNginx(upstream.url);
  const bare = await startProcess(process.execPath, [join(here, 'gateway', 'bareProxy.mjs'), upstream.url], /^listening (\S+)$/m);
  children.push(bare.child);
  const forwarding = await startProcess(process.execPath, [join(here, 'gateway', 'ourProxy.mjs'), upstream.url], /^listening (\S+)$/m);
  children.push(forwarding.child);

  /** A control plane from `bundle` with a service on the upstream, a consumer, its keys and a connection: the
   * gateway URL to load and a token for it. */
  async function gatewayUnderTest(bundle, dataDir) {
    const cp = await startControlPlane(bundle, dataDir);
    children.push(cp.child);
    const org = 'stark-industries';
    const comps = `/api/v1/orgs/${org}/projects/default/components`;
    await api(cp, 'POST', '/api/v1/orgs', { name: 'Stark Industries' });
    const service = await api(cp, 'POST', comps, {
      displayName: 'Bench Service',
      name: 'bench-service',
      type: 'service',
      endpoints: [{ name: 'hello', upstreamUrls: { development: upstream.url } }],
    });
    await api(cp, 'POST', comps, { displayName: 'Bench Consumer', name: 'bench-consumer', type: 'external-consumer' });
    const keys = await api(cp, 'POST', `${comps}/bench-consumer/auth/development/generate-keys`);
    await api(cp, 'POST', `${comps}/bench-consumer/connections`, { name: 'Bench', serviceComponentName: 'bench-service', endpointName: 'hello' });
    const tokenRes = await fetch(keys.authConfiguration.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${keys.authConfiguration.clientId}:${keys.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token: token } = await tokenRes.json();
    const gw = `${service.endpoints[0].gatewayUrls.development}/greeting`;
    const check = await fetch(gw, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`gateway answered ${check.status}: ${await check.text()}`);
    if ((await fetch(gw)).status !== 401) throw new Error('the gateway let a call without a token through');
    return { cp, gw, token };
  }
  const { cp, gw, token } = await gatewayUnderTest(await controlPlaneBundle(), join(tmp, 'data'));
  if (comparedBuilds.length > 0) {
    await compareBuilds({ name: 'this build', url: gw, token, pids: [cp.child.pid] }, comparedBuilds, gatewayUnderTest);
  } else {
    // BENCH_BASELINE_BUNDLE=path/to/controlPlane.js adds a row for another build (e.g. main's), under the same load in
    // the same rounds, so a change's cost shows as a same-run ratio.
    const baselineBundle = process.env.BENCH_BASELINE_BUNDLE;
    const baseline = baselineBundle ? await gatewayUnderTest(baselineBundle, join(tmp, 'baseline-data')) : undefined;

    const targets = [
      { name: 'upstream direct', url: `${upstream.url}/greeting`, pids: [upstream.child.pid] },
      { name: 'nginx proxy', url: `${nginx.url}/greeting`, pids: childPids(nginx.child.pid) },
      { name: 'our gateway (JWT checked)', url: gw, token, pids: [cp.child.pid] },
      { name: 'bare undici proxy', url: `${bare.url}/greeting`, token, pids: [bare.child.pid] },
      { name: 'our forwarding, no checks', url: `${forwarding.url}/greeting`, token, pids: [forwarding.child.pid] },
      ...(baseline ? [{ name: 'gateway, baseline bundle', url: baseline.gw, token: baseline.token, pids: [baseline.cp.child.pid] }] : []),
      { name: 'browser call (Origin, CORS)', url: gw, token, headers: ['Origin: https://app.stark.test'], pids: [cp.child.pid] },
    ];
    for (const t of targets) wrk(t.url, { connections: 10, secs: 1, token: t.token, headers: t.headers }); // warm-up (JIT, pools)
    const load = Object.fromEntries(targets.map((t) => [t.name, []]));
    const single = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        load[t.name].push(wrk(t.url, { connections: 50, secs: seconds, token: t.token, headers: t.headers, pids: t.pids }));
        single[t.name].push(wrk(t.url, { connections: 1, secs: Math.max(2, Math.round(seconds / 2)), token: t.token, headers: t.headers }));
      }
    }

    const f = (n) => Math.round(n).toLocaleString('en-US');
    const ms = (n) => `${n.toFixed(3)} ms`;
    console.log(
      `wrk -t1, ${seconds} s per run, best of ${rounds} rounds (the machine is shared, so the best run is the least disturbed one)${newConnections ? '; a new upstream connection per call' : ''}`,
    );
    console.log('target                       req/s (50 conn)   p50 (50 conn)   p50 (1 conn)   CPU/request (50 conn, median)');
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    for (const t of targets) {
      const l = load[t.name];
      const cpu = median(l.map((x) => x.cpuUs));
      console.log(
        `${t.name.padEnd(28)} ${f(best(l, 'rps')).padStart(14)}   ${ms(best(l, 'p50')).padStart(13)}   ${ms(best(single[t.name], 'p50')).padStart(12)}   ${`${cpu.toFixed(1)} µs`.padStart(10)}`,
      );
    }
    const perRound = load[targets[2].name].map((g, r) => {
      const n = load[targets[1].name][r].rps;
      return `round ${r + 1}: gateway/nginx ${(g.rps / n).toFixed(2)}, bare undici/nginx ${(load[targets[3].name][r].rps / n).toFixed(2)}, forwarding/nginx ${(load[targets[4].name][r].rps / n).toFixed(2)}`;
    });
    console.log(`same-round ratios: ${perRound.join('; ')}`);
    const gwRps = best(load[targets[2].name], 'rps');
    const nginxRps = best(load[targets[1].name], 'rps');
    const added = best(single[targets[2].name], 'p50') - best(single[targets[0].name], 'p50');
    const nginxAdded = best(single[targets[1].name], 'p50') - best(single[targets[0].name], 'p50');
    console.log(`gateway / nginx throughput: ${(gwRps / nginxRps).toFixed(2)} (goal ≥ 0.5)`);
    const bareRps = best(load[targets[3].name], 'rps');
    const fwdRps = best(load[targets[4].name], 'rps');
    console.log(`bare undici proxy / nginx: ${(bareRps / nginxRps).toFixed(2)}; gateway / bare undici proxy: ${(gwRps / bareRps).toFixed(2)}`);
    console.log(
      `our forwarding alone / nginx: ${(fwdRps / nginxRps).toFixed(2)}; gateway / our forwarding alone: ${(gwRps / fwdRps).toFixed(2)} (what the checks cost)`,
    );
    console.log(`gateway / direct throughput: ${(gwRps / best(load[targets[0].name], 'rps')).toFixed(2)}`);
    console.log(`added median latency, 1 connection: gateway ${ms(added)} (goal < 1 ms), nginx ${ms(nginxAdded)}`);
    if (baseline) {
      const rounds = load[targets[2].name].map((g, r) => (g.rps / load[targets[5].name][r].rps).toFixed(3));
      const cpu = (t) => median(load[t.name].map((x) => x.cpuUs));
      console.log(
        `gateway / baseline bundle throughput per round: ${rounds.join(', ')}; CPU/request ${cpu(targets[2]).toFixed(1)} µs vs ${cpu(targets[5]).toFixed(1)} µs`,
      );
    }
    const browser = targets.find((t) => t.name.startsWith('browser call'));
    const cpuOf = (t) => median(load[t.name].map((x) => x.cpuUs));
    const perRoundCors = load[browser.name].map((b, r) => (b.cpuUs / load[targets[2].name][r].cpuUs).toFixed(2));
    console.log(
      `CPU per call with X-JWT-Assertion and CORS (Origin sent) ${cpuOf(browser).toFixed(1)} µs, with X-JWT-Assertion only ${cpuOf(targets[2]).toFixed(1)} µs` +
        `${baseline ? `, neither (baseline bundle) ${cpuOf(targets[5]).toFixed(1)} µs; ratio to baseline ${(cpuOf(browser) / cpuOf(targets[5])).toFixed(2)}` : ''}; CORS/plain per round: ${perRoundCors.join(', ')}`,
    );
    // One X-JWT-Assertion signed (a token's first call through a connection) against one found again in the assertions'
    // own cache (a call after any write to the store; between writes the gateway reads it off the call that passed).
    const { CallerAssertions } = await import('../../src/controlPlane/gateway/callerAssertion.ts');
    const { SigningKeys, newSigningKey } = await import('../../src/controlPlane/idp/signingKeys.ts');
    const keys = new SigningKeys({ rotate: (current, added) => [...current, added] }, [newSigningKey()]);
    const subject = {
      serviceOrgHandle: 'stark-industries',
      endpoint: 'stark-industries/default/bench-service/hello',
      environment: 'development',
      consumer: { orgHandle: 'stark-industries', projectHandle: 'default', name: 'bench-consumer', displayName: 'Bench Consumer' },
      connection: { id: 'c1', name: 'Bench' },
    };
    const tokenOf = (i) => ({
      issuer: 'http://127.0.0.1/oauth2/stark-industries',
      clientId: `client-${i}`,
      expiresAt: Date.now() / 1000 + 3600,
      claims: { sub: `client-${i}`, scope: 'default' },
    });
    const assertions = new CallerAssertions('http://127.0.0.1', keys);
    const n = 20_000;
    const fresh = Array.from({ length: n }, (_, i) => tokenOf(i));
    let t0 = process.hrtime.bigint();
    for (const tk of fresh) assertions.for(tk, subject);
    const signUs = Number(process.hrtime.bigint() - t0) / 1000 / n;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) for (const tk of fresh) assertions.for(tk, subject);
    const reuseUs = Number(process.hrtime.bigint() - t0) / 1000 / (n * 10);
    // The CORS work the gateway adds to a call with an Origin (reading it, the headers of the answer), in this process:
    // what it costs without the machine's noise, against a whole call's CPU above.
    const { corsResponseHeaders, endpointCorsPolicy, originOf } = await import('../../src/controlPlane/http/cors.ts');
    const { DEFAULT_CORS } = await import('../../src/api/cors.ts');
    const fakeReq = {
      rawHeaders: ['Host', '127.0.0.1:7480', 'User-Agent', 'wrk', 'Authorization', `Bearer ${token}`, 'Accept', '*/*', 'Origin', 'https://app.stark.test'],
    };
    const corsNs = (policy) => {
      const calls = 2_000_000;
      let kept = 0;
      const start = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) kept += corsResponseHeaders(policy, originOf(fakeReq)).length;
      if (kept === 0) throw new Error('no headers');
      return Number(process.hrtime.bigint() - start) / calls;
    };
    const listed = endpointCorsPolicy({ ...DEFAULT_CORS, allowOrigins: ['https://app.stark.test', 'http://localhost:3000'], allowCredentials: true });
    console.log(
      `CORS work per call with an Origin, in process: ${corsNs(endpointCorsPolicy(DEFAULT_CORS)).toFixed(0)} ns (any origin), ${corsNs(listed).toFixed(0)} ns (listed origins)`,
    );
    console.log(
      `X-JWT-Assertion: ${signUs.toFixed(1)} µs to sign one (first call of a token through a connection), ${reuseUs.toFixed(2)} µs to find it again (${assertions.signed} signed for ${n * 11} calls)`,
    );
    console.log(await grantCheckFigures(tmp));
  }
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(tmp, { recursive: true, force: true });
}
