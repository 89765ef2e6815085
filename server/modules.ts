import type { NamespaceModule } from './core/appServer';
import { initializeModule } from './initialize';
import { configModule } from './config';
import { hooksModule } from './hooks';
import { threadModule } from './thread';
import { modelsModule } from './models';
import { turnModule } from './turn';
import { reviewModule } from './review';
import { commandModule } from './command';
import { skillsModule } from './skills';
import { compactionModule } from './compaction';
import { mcpModule } from './mcp';
import { processModule } from './process';
import { experimentalFeatureModule } from './experimentalFeature';
import { collaborationModeModule } from './collaborationMode';
import { backgroundTerminalsModule } from './backgroundTerminals';
import { accountModule } from './account';
import { modelProviderModule } from './modelProvider';
import { fuzzyFileSearchModule } from './fuzzyFileSearch';

/** Every protocol namespace the server speaks. Add a namespace here. */
export const namespaceModules: NamespaceModule[] = [
  initializeModule,
  configModule,
  hooksModule,
  threadModule,
  modelsModule,
  turnModule,
  reviewModule,
  commandModule,
  skillsModule,
  compactionModule,
  mcpModule,
  processModule,
  experimentalFeatureModule,
  collaborationModeModule,
  backgroundTerminalsModule,
  accountModule,
  modelProviderModule,
  fuzzyFileSearchModule,
];
