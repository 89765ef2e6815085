/** `collaborationMode/list` (experimental): the built-in presets, as the reference lists them. */
import type { NamespaceModule } from '../core/appServer';
import { CollaborationModeListParams, type CollaborationModeMask } from '../../protocol/features';

/** Plan mode thinks harder (medium effort); the default mode keeps the thread's effort. Neither pins a model. */
const PRESETS: CollaborationModeMask[] = [
  { name: 'Plan', mode: 'plan', model: null, reasoning_effort: 'medium' },
  { name: 'Default', mode: 'default', model: null, reasoning_effort: null },
];

export const collaborationModeModule: NamespaceModule = (registry) => {
  registry.register('collaborationMode/list', CollaborationModeListParams, () => ({ data: PRESETS.map((preset) => ({ ...preset })) }), { experimental: true });
};
