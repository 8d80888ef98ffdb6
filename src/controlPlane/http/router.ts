/**
 * Route registration for the management API and the public endpoints. Feature modules (organizations, projects,
 * identity providers, the gateway, …) each register their routes here; the server knows none of them by name.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay, { type HTTPMethod } from 'find-my-way';
import { API_PREFIX } from '../../api/routes';
import { ApiError, sendError, sendJson, storeErrorAnswer } from './errors';
import { Authenticator, Principal, requirePrincipal } from './auth';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: Record<string, string>;
  principal?: Principal;
}

/** What a handler answers: a status and a JSON body (none for 204), or nothing when it wrote the response itself. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | void;
export type Handler = (ctx: RouteContext) => Answer | Promise<Answer>;

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class Router {
  private readonly fmw = findMyWay({ ignoreTrailingSlash: true, maxParamLength: 256 });

  constructor(private readonly authenticators: Authenticator[]) {}

  /** A management route under /api/v1: needs a principal. */
  api(method: HTTPMethod, path: string, handler: Handler): void {
    this.add(method, API_PREFIX + path, handler, true);
  }

  /** A route anyone may call (health, discovery, JWKS, the gateway). */
  public(method: HTTPMethod, path: string, handler: Handler): void {
    this.add(method, path, handler, false);
  }

  private add(method: HTTPMethod, path: string, handler: Handler, authenticated: boolean): void {
    this.fmw.on(method, path, (req, res, params, _store, searchParams) => {
      void this.run(req, res, handler, authenticated, params as Record<string, string>, searchParams as Record<string, string>);
    });
  }

  private async run(
    req: IncomingMessage,
    res: ServerResponse,
    handler: Handler,
    authenticated: boolean,
    params: Record<string, string>,
    query: Record<string, string>,
  ): Promise<void> {
    try {
      const ctx: RouteContext = { req, res, params, query: { ...query } };
      if (authenticated) ctx.principal = requirePrincipal(req, this.authenticators);
      const answer = await handler(ctx);
      if (!answer) return;
      if (answer.status === 204) {
        res.writeHead(204, answer.headers);
        res.end();
      } else sendJson(res, answer.status, answer.body, answer.headers);
    } catch (err) {
      answerError(res, err);
    }
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.fmw.find(req.method as HTTPMethod, pathOf(req.url ?? '/'))) {
      this.fmw.lookup(req, res);
      return;
    }
    const path = pathOf(req.url ?? '/');
    const allowed = METHODS.filter((m) => this.fmw.find(m, path));
    if (allowed.length > 0) {
      sendError(res, new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}.`, undefined, {
        allow: allowed.join(', '),
      }));
    } else {
      sendError(res, new ApiError(404, 'not_found', `There is no ${req.method} ${path} on this control plane. Check the URL.`));
    }
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function answerError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ApiError) {
    sendError(res, err);
    return;
  }
  const fromStore = storeErrorAnswer(err);
  if (fromStore) {
    sendError(res, fromStore);
    return;
  }
  // Never echo internals (they may hold paths or secrets); the log has the detail.
  console.error('control plane: unexpected error:', err);
  sendError(res, new ApiError(500, 'internal', 'The control plane failed to answer this request. Its log has the details; try again.'));
}
