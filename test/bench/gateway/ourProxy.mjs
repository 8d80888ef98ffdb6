// The gateway's own forwarding (src/controlPlane/gateway/proxy.ts, with its upstream client) in the same shape as
// bareProxy.mjs: a node:http server that forwards every call, with no token check and no routing, so that the two
// rows compare only the upstream clients. proxy.ts is bundled with esbuild (as the control plane ships it) into a
// temp folder first, by a child process: loading esbuild into this process made every call cost ~5 µs more (measured).
// Run: node test/bench/gateway/ourProxy.mjs http://127.0.0.1:PORT  → prints "listening http://127.0.0.1:PORT"
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const outDir = mkdtempSync(join(tmpdir(), 'our-proxy-'));
const outfile = join(outDir, 'proxy.mjs');
const build = `import('esbuild').then((esbuild) => esbuild.build(${JSON.stringify({
  entryPoints: [join(repoRoot, 'src/controlPlane/gateway/proxy.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  logLevel: 'warning',
})}))`;
execFileSync(process.execPath, ['--input-type=module', '-e', build], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
const { GatewayProxy } = await import(pathToFileURL(outfile).href);
rmSync(outDir, { recursive: true, force: true });

const upstream = new URL(process.argv[2]);
const proxy = new GatewayProxy();

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const url = req.url;
  const q = url.indexOf('?');
  proxy.forward(req, res, upstream, q < 0 ? url : url.slice(0, q), q < 0 ? '' : url.slice(q));
});
server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
// Exit normally on a signal, so a --cpu-prof profile gets written.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
