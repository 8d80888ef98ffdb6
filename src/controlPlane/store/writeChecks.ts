/**
 * The checks a request's writes are made under. The access guard decides on what the store held when it looked (the
 * caller's role); the handler writes later. Every write the handler makes carries the guard's decision as `check`
 * ops, so the store decides it again inside the batch, atomically with the write: a role taken away in between
 * refuses the write instead of letting it through (issue 22, row 5).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WriteOp } from './store';

export type WriteCheck = Extract<WriteOp, { op: 'check' }>;

const current = new AsyncLocalStorage<readonly WriteCheck[]>();

/** Runs `work` (a route's handler) so that every store write it makes carries `checks`. */
export function underChecks<T>(checks: readonly WriteCheck[], work: () => T): T {
  return checks.length ? current.run(checks, work) : work();
}

/** The batch with the checks of the request it is written for, first. */
export function withChecks(ops: WriteOp[]): WriteOp[] {
  const checks = current.getStore();
  return checks ? [...checks, ...ops] : ops;
}
