/**
 * The sample service's upstream: a tiny HTTP service ("Greeting Service") that the control plane can start beside
 * itself, so a new user can walk the whole flow (consumer → keys → connection → call through the gateway) without
 * writing a service first. It answers on every path, so any gateway path under the endpoint shows a result:
 *   GET /greeting?name=Tony → {"message":"Hello, Tony!"}
 * The answer also echoes what the gateway forwarded (path, X-Forwarded-*), which makes the proxying visible.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningGreetingService {
  url: string;
  close(): Promise<void>;
}

export function greetingHandler(): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://greeting');
    const name = (url.searchParams.get('name') ?? 'World').slice(0, 100);
    const body = JSON.stringify({
      message: `Hello, ${name}!`,
      path: url.pathname,
      forwardedFor: req.headers['x-forwarded-for'],
      forwardedHost: req.headers['x-forwarded-host'],
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/** Starts the service on a loopback port (0: any free one). */
export async function startGreetingService(port = 0, host = '127.0.0.1'): Promise<RunningGreetingService> {
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, greetingHandler());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
