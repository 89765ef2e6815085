/**
 * /debug-config: `config/read` with layers and `configRequirements/read`,
 * as plain text: each layer (highest precedence first) with its file and the
 * keys it sets, why a layer is off, then the managed requirements.
 */

interface Layer {
  name: { type: string; file?: string; dotCodexFolder?: string; profile?: string | null };
  version?: string;
  config?: Record<string, unknown>;
  disabledReason?: string | null;
}

function leafKeys(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  const keys = Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => leafKeys(child, prefix ? `${prefix}.${key}` : key));
  return keys.length || !prefix ? keys : [prefix];
}

function layerTitle(layer: Layer): string {
  const where = layer.name.file ?? layer.name.dotCodexFolder;
  const label: Record<string, string> = { system: 'System', user: 'User', project: 'Project', sessionFlags: 'Session flags', mdm: 'Managed (MDM)' };
  return `${label[layer.name.type] ?? layer.name.type}${where ? `: ${where}` : ''}${layer.name.profile ? ` (profile ${layer.name.profile})` : ''}`;
}

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export function debugConfigText(read: { config?: Record<string, unknown>; layers?: unknown[] | null }, requirements: { requirements?: unknown } | null): string {
  const lines: string[] = ['Config layers (highest precedence first):'];
  // Layers as `config/read` reports them (the contract leaves their shape open).
  const layers = [...((read.layers ?? []) as Layer[])];
  if (!layers.length) lines.push('  (none reported)');
  layers.forEach((layer, index) => {
    lines.push(`${index + 1}. ${layerTitle(layer)}`);
    if (layer.disabledReason) lines.push(`   off: ${layer.disabledReason}`);
    const keys = leafKeys(layer.config ?? {});
    lines.push(`   ${keys.length ? `sets: ${keys.slice(0, 30).join(', ')}${keys.length > 30 ? `, … (${keys.length} keys)` : ''}` : 'sets nothing'}`);
  });
  const config = read.config ?? {};
  lines.push('', 'Effective:');
  for (const key of ['model', 'model_provider', 'approval_policy', 'sandbox_mode', 'profile']) {
    if (config[key] !== undefined && config[key] !== null) lines.push(`  ${key} = ${shown(config[key])}`);
  }
  lines.push('', 'Requirements (managed policy):');
  const req = requirements?.requirements as Record<string, unknown> | null | undefined;
  const entries = req ? Object.entries(req).filter(([, value]) => value !== null && value !== undefined) : [];
  if (!entries.length) lines.push('  none');
  for (const [key, value] of entries) lines.push(`  ${key}: ${Array.isArray(value) ? value.map(shown).join(', ') : shown(value)}`);
  return lines.join('\n');
}
