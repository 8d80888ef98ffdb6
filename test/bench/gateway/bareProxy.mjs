// The in-run yardstick for the gateway bench: the least a Node reverse proxy on undici does, with no token check,
// no routing and no header filtering beyond what HTTP needs. Whatever the gateway costs above this row is ours.
// Run: node test/bench/gateway/bareProxy.mjs http://127.0.0.1:PORT  → prints "listening http://127.0.0.1:PORT"
import http from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2]);
const pool = new Pool(upstream.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const headers = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name !== 'host' && name !== 'connection' && name !== 'keep-alive') headers.push(raw[i], raw[i + 1]);
  }
  pool.dispatch(
    { path: req.url, method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req },
    {
      onRequestStart() {},
      onResponseStart(_c, status, headers) {
        res.writeHead(status, headers);
      },
      onResponseData(_c, chunk) {
        res.write(chunk);
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError(_c, err) {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end(String(err.message));
      },
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
// Exit normally on a signal, so a --cpu-prof profile gets written.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
