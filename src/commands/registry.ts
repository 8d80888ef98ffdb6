/**
 * The one registry: command id → the file that implements it. Files load on first use, so activation stays light.
 */
import * as vscode from 'vscode';
import type { Command, CommandContext } from './commandContext';
import { wrapCommand, type CommandFailures } from './runCommand';
import { STATUS_MENU_COMMAND } from '../lifecycle/statusBar';

type Loader = () => Promise<Command>;

export const commandLoaders: Record<string, Loader> = {
  'choreo.createOrganization': () => import('./createOrganization.js').then((m) => m.createOrganization),
  'choreo.createProject': () => import('./createProject.js').then((m) => m.createProject),
  'choreo.createExternalConsumer': () => import('./createExternalConsumer.js').then((m) => m.createExternalConsumer),
  'choreo.createService': () => import('./createService.js').then((m) => m.createService),
  'choreo.openOverview': () => import('./openOverview.js').then((m) => m.openOverview),
  'choreo.configureAuthentication': () => import('./configureAuthentication.js').then((m) => m.configureAuthentication),
  'choreo.generateKeys': () => import('./generateKeys.js').then((m) => m.generateKeys),
  'choreo.regenerateSecret': () => import('./regenerateSecret.js').then((m) => m.regenerateSecret),
  'choreo.addIdentityProvider': () => import('./addIdentityProvider.js').then((m) => m.addIdentityProvider),
  'choreo.openIdentityProvider': () => import('./identityProviders.js').then((m) => m.openIdentityProvider),
  'choreo.refreshIdentityProvider': () => import('./identityProviders.js').then((m) => m.refreshIdentityProvider),
  'choreo.deleteIdentityProvider': () => import('./identityProviders.js').then((m) => m.deleteIdentityProvider),
  'choreo.addKeys': () => import('./addKeys.js').then((m) => m.addKeys),
  'choreo.removeKeys': () => import('./removeKeys.js').then((m) => m.removeKeys),
  'choreo.createConnection': () => import('./createConnection.js').then((m) => m.createConnection),
  'choreo.insertConnectionSnippet': () => import('./insertConnectionSnippet.js').then((m) => m.insertConnectionSnippet),
  'choreo.writeEnv': () => import('./writeEnv.js').then((m) => m.writeEnv),
  'choreo.writeBrowserConfig': () => import('./writeBrowserConfig.js').then((m) => m.writeBrowserConfig),
  'choreo.copyClientId': () => import('./copyClientId.js').then((m) => m.copyClientId),
  'choreo.copyTokenUrl': () => import('./copyTokenUrl.js').then((m) => m.copyTokenUrl),
  'choreo.copyServiceUrl': () => import('./copyServiceUrl.js').then((m) => m.copyServiceUrl),
  'choreo.getTestToken': () => import('./getTestToken.js').then((m) => m.getTestToken),
  'choreo.testConnection': () => import('./testConnection.js').then((m) => m.testConnection),
  'choreo.runWithConnectionValues': () => import('./runWithConnectionValues.js').then((m) => m.runWithConnectionValues),
  'choreo.openTerminalWithConnectionValues': () => import('./openTerminalWithConnectionValues.js').then((m) => m.openTerminalWithConnectionValues),
  'choreo.linkWorkspace': () => import('./linkWorkspace.js').then((m) => m.linkWorkspace),
  'choreo.unlinkWorkspace': () => import('./unlinkWorkspace.js').then((m) => m.unlinkWorkspace),
  'choreo.delete': () => import('./deleteResource.js').then((m) => m.deleteResource),
  'choreo.refresh': () => import('./refresh.js').then((m) => m.refresh),
  'choreo.filter': () => import('./filter.js').then((m) => m.filter),
  'choreo.loadMore': () => import('./loadMore.js').then((m) => m.loadMore),
  'choreo.controlPlane.restart': () => import('./restartControlPlane.js').then((m) => m.restartControlPlane),
  'choreo.controlPlane.start': () => import('./startControlPlane.js').then((m) => m.startControlPlane),
  'choreo.controlPlane.stop': () => import('./stopControlPlane.js').then((m) => m.stopControlPlane),
  'choreo.controlPlane.clean': () => import('./cleanControlPlane.js').then((m) => m.cleanControlPlane),
  'choreo.controlPlane.showLogs': () => import('./showLogs.js').then((m) => m.showLogs),
  'choreo.controlPlane.switch': () => import('./switchControlPlane.js').then((m) => m.switchControlPlane),
  'choreo.signIn': () => import('./signIn.js').then((m) => m.signIn),
  'choreo.inviteMember': () => import('./members.js').then((m) => m.inviteMember),
  'choreo.changeMemberRole': () => import('./members.js').then((m) => m.changeMemberRole),
  'choreo.removeMember': () => import('./members.js').then((m) => m.removeMember),
  'choreo.addTestUser': () => import('./testUsers.js').then((m) => m.addTestUser),
  'choreo.importTestUsers': () => import('./testUsers.js').then((m) => m.importTestUsers),
  'choreo.saveTestUsersCsvTemplate': () => import('./testUsers.js').then((m) => m.saveTestUsersCsvTemplate),
  'choreo.deleteTestUser': () => import('./testUsers.js').then((m) => m.deleteTestUser),
  'choreo.resetTestUserPassword': () => import('./testUsers.js').then((m) => m.resetTestUserPassword),
  'choreo.showAuditLog': () => import('./showAuditLog.js').then((m) => m.showAuditLog),
  'choreo.signOut': () => import('./signOut.js').then((m) => m.signOut),
  [STATUS_MENU_COMMAND]: () => import('./controlPlaneMenu.js').then((m) => m.controlPlaneMenu),
};

export function registerCommands(ctx: CommandContext, failures: CommandFailures): vscode.Disposable[] {
  return Object.entries(commandLoaders).map(([id, load]) => vscode.commands.registerCommand(id, wrapCommand(id, load, ctx, failures)));
}
