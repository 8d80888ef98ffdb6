/**
 * Resolves the `choreo` attribute of a launch configuration for every debug type: after VS Code and the debugger
 * substituted variables, the folder's consumer's CHOREO_* values go into `env`, the secret read from SecretStorage
 * now. Nothing is written back (launch.json, settings, the log, a file). A launch whose values cannot all be had does
 * not start: the refusal names each missing variable with the action that fixes it. Loaded (with the commands) on the
 * first launch that carries the attribute; activation registers only a stub (register.ts).
 */
import * as vscode from 'vscode';
import type { UseCaseContext } from '../useCases/context';
import { withConnectionValues, type LaunchConfiguration } from './debugAttribute';
import { folderFor, linkOf } from './linkedFolder';

/** The configuration to launch, or undefined (the launch is abandoned) after `refuse` was told why. */
export async function resolveWithConnectionValues(
  ctx: UseCaseContext,
  folder: vscode.WorkspaceFolder | undefined,
  config: vscode.DebugConfiguration,
  refuse: (e: unknown) => void,
): Promise<vscode.DebugConfiguration | undefined> {
  try {
    const program = typeof config.program === 'string' ? config.program : undefined;
    const linked = folderFor(folder, program ? vscode.Uri.file(program) : undefined);
    const { config: resolved, values } = await withConnectionValues(ctx, await linkOf(linked), config as LaunchConfiguration);
    ctx.log.info(
      `Launch "${config.name}" (${config.type}) with the connection values of ${values.consumer.componentName} in ${values.environment.name}: ${values.connections.join(', ')}`,
    );
    return resolved;
  } catch (e) {
    refuse(e);
    return undefined;
  }
}
