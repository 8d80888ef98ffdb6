/**
 * Activation's whole part of the `choreo` debug attribute: a provider for every debug type that hands a
 * configuration without the attribute straight back, and loads the resolver (debugConfigurationProvider.ts, in the
 * commands part) only for one that carries it.
 */
import * as vscode from 'vscode';
import type { UseCaseContext } from '../useCases/context';
import { DEBUG_ATTRIBUTE } from './attribute';

export function registerDebugAttribute(ctx: UseCaseContext, refuse: (e: unknown) => void): vscode.Disposable {
  return vscode.debug.registerDebugConfigurationProvider('*', {
    // After substitution: `env` holds what the user wrote, resolved, and our values never pass through substitution.
    async resolveDebugConfigurationWithSubstitutedVariables(folder, config) {
      if (config[DEBUG_ATTRIBUTE] === undefined) return config;
      const { resolveWithConnectionValues } = await import('./debugConfigurationProvider.js');
      return resolveWithConnectionValues(ctx, folder, config, refuse);
    },
  });
}
