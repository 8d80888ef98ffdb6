/**
 * Route registration for the management API and the public endpoints. Feature modules (organizations, projects,
 * identity providers, the gateway, …) each register their routes here; the server knows none of them by name.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay, { type HTTPMethod } from 'find-my-way';
import { Access, ACCESS, API_PREFIX } from '../../api/routes';
import { ApiError, sendError, sendJson, storeErrorAnswer } from './errors';
import { Authenticator, Principal, requirePrincipal } from './auth';
import { StoreUnavailable } from '../store/store';
import { underChecks, type WriteCheck } from '../store/writeChecks';

export type WriteChecks = WriteCheck[];

/** For tests only: runs between a request's access check and its handler, so that a test can hold a request there
 * and change what the check decided on (a deterministic interleaving, not a race). */
export type AfterAccessCheck = (route: string, ctx: RouteContext) => Promise<void>;

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

/** Who may call a management route, and the record of each write (team members, see members/access.ts). */
export interface Guard {
  /** Throws (403, 404) unless the principal may call the route; runs before the handler reads anything. Answers
   * the checks its decision rests on: every write of the handler carries them (store/writeChecks.ts). */
  authorize(ctx: RouteContext, access: Access): Promise<WriteChecks>;
  /** A write (any method but GET) was answered with this status: recorded before the answer is sent. */
  written(ctx: RouteContext, route: string, status: number): Promise<void>;
}

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class Router {
  private readonly fmw = findMyWay({ ignoreTrailingSlash: true, maxParamLength: 256 });

  /** "METHOD /path" of every management route registered, as keyed in ACCESS. */
  readonly apiRoutes: string[] = [];

  constructor(
    private readonly authenticators: Authenticator[],
    private readonly guard?: Guard,
    private readonly afterAccessCheck?: AfterAccessCheck,
  ) {}

  /** A management route under /api/v1: needs a principal allowed by the route's rule in ACCESS (src/api/routes.ts). */
  api(method: HTTPMethod, path: string, handler: Handler): void {
    const route = `${method} ${path}`;
    const access = ACCESS[route];
    if (!access) throw new Error(`The route ${route} has no access rule: add it to ACCESS in src/api/routes.ts.`);
    this.apiRoutes.push(route);
    this.fmw.on(method, API_PREFIX + path, (req, res, params, _store, searchParams) => {
      void this.runApi(req, res, handler, route, access, params as Record<string, string>, searchParams as Record<string, string>);
    });
  }

  /** A route anyone may call (health, discovery, JWKS, the gateway). */
  public(method: HTTPMethod, path: string, handler: Handler): void {
    this.fmw.on(method, path, (req, res, params, _store, searchParams) => {
      void this.run(req, res, handler, params as Record<string, string>, searchParams as Record<string, string>);
    });
  }

  private async runApi(
    req: IncomingMessage,
    res: ServerResponse,
    handler: Handler,
    route: string,
    access: Access,
    params: Record<string, string>,
    query: Record<string, string>,
  ): Promise<void> {
    const ctx: RouteContext = { req, res, params, query: { ...query } };
    try {
      ctx.principal = await requirePrincipal(req, this.authenticators);
    } catch (err) {
      answerError(res, err);
      return;
    }
    let answer: Answer = undefined;
    let failure: unknown;
    try {
      const checks = (await this.guard?.authorize(ctx, access)) ?? [];
      await this.afterAccessCheck?.(route, ctx);
      answer = await underChecks(checks, () => handler(ctx));
    } catch (err) {
      failure = err;
    }
    // With the store away nothing was written, and its audit entry cannot be either: trying would only make the caller
    // wait out the store's time-outs a second time before the same 503.
    if (this.guard && req.method !== 'GET' && !(failure instanceof StoreUnavailable)) {
      const status =
        failure === undefined
          ? answer
            ? answer.status
            : res.statusCode
          : failure instanceof ApiError
            ? failure.status
            : (storeErrorAnswer(failure)?.status ?? 500);
      try {
        await this.guard.written(ctx, route, status);
      } catch (err) {
        // A write that cannot be recorded is not answered as done: the operator must see the audit log fail.
        failure ??= err;
      }
    }
    if (failure !== undefined) answerError(res, failure);
    else send(res, answer);
  }

  private async run(req: IncomingMessage, res: ServerResponse, handler: Handler, params: Record<string, string>, query: Record<string, string>): Promise<void> {
    try {
      const ctx: RouteContext = { req, res, params, query: { ...query } };
      send(res, await handler(ctx));
    } catch (err) {
      answerError(res, err);
    }
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    // One lookup: the route found is called here (fmw.lookup would look it up again).
    const found = this.fmw.find(req.method as HTTPMethod, req.url ?? '/');
    if (found) {
      found.handler(req, res, found.params, found.store, found.searchParams);
      return;
    }
    const path = pathOf(req.url ?? '/');
    const allowed = METHODS.filter((m) => this.fmw.find(m, path));
    if (allowed.length > 0) {
      sendError(
        res,
        new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}.`, undefined, {
          allow: allowed.join(', '),
        }),
      );
    } else {
      sendError(res, new ApiError(404, 'not_found', `There is no ${req.method} ${path} on this control plane. Check the URL.`));
    }
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (!answer) return;
  if (answer.status === 204) {
    res.writeHead(204, answer.headers);
    res.end();
  } else sendJson(res, answer.status, answer.body, answer.headers);
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
