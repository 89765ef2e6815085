import type { NamespaceModule } from './core/appServer';
import { initializeModule } from './initialize';

/** Every protocol namespace the server speaks. Add a namespace here. */
export const namespaceModules: NamespaceModule[] = [initializeModule];
