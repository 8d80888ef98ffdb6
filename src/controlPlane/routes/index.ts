/** Every feature module of the control plane, in registration order. A new feature (external identity providers,
 * connections, the gateway) adds its module here; the server takes the collections and routes from this list. */
import type { ControlPlaneModule } from '../context';
import { authConfigurations } from './authConfigurations';
import { components } from './components';
import { health } from './health';
import { identityProviders } from './identityProviders';
import { oauth2 } from './oauth2';
import { organizations } from './organizations';
import { projects } from './projects';
import { signingKeys } from './signingKeys';
import { connections } from '../connections/module';
import { externalIdentityProviders } from '../externalIdp/module';
import { gateway } from '../gateway/module';
import { builtInIdentityProvider } from '../idp/module';
import { members } from '../members/module';
import { sampleService } from '../sampleService/module';

export const modules: ControlPlaneModule[] = [
  health,
  organizations,
  projects,
  components,
  authConfigurations,
  identityProviders,
  signingKeys,
  oauth2,
  builtInIdentityProvider,
  externalIdentityProviders,
  connections,
  gateway,
  sampleService,
  members,
];
