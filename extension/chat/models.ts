/** The model picker's choices: every page of model/list, hidden models left out. */
import type { ClientResult } from '../../protocol';
import type { CodexClient } from '../client/codexClient';
import type { ModelOption } from '../../webview/protocol';

export async function listModels(client: Pick<CodexClient, 'request'>): Promise<ModelOption[]> {
  const models: ModelOption[] = [];
  let cursor: string | null = null;
  do {
    const page: ClientResult<'model/list'> = await client.request('model/list', { cursor, limit: 100 });
    for (const model of page.data) {
      if (model.hidden) continue;
      models.push({
        id: model.model ?? model.id,
        label: model.displayName || model.model || model.id,
        description: model.description,
        // The effort picker offers what each model supports.
        efforts: Array.isArray(model.supportedReasoningEfforts) ? model.supportedReasoningEfforts.map((e: { reasoningEffort: string }) => e.reasoningEffort) : undefined,
        defaultEffort: model.defaultReasoningEffort ?? undefined,
        isDefault: model.isDefault === true,
      });
    }
    cursor = page.nextCursor;
  } while (cursor && models.length < 500);
  return models;
}
