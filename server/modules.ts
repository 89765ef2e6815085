import type { NamespaceModule } from './core/appServer';
import { initializeModule } from './initialize';
import { configModule } from './config';
import { hooksModule } from './hooks';

/** Every protocol namespace the server speaks. Add a namespace here. */
export const namespaceModules: NamespaceModule[] = [initializeModule, configModule, hooksModule];
