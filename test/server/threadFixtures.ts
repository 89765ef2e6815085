/**
 * Builds stored threads with turns by driving the real LoadedThread API in
 * process, exactly as the turn engine does (beginTurn → recordItem →
 * appendHistory → completeTurn), so rollouts on disk are the ones our server
 * writes. Used where a test needs history without running a model.
 */
import { v7 as uuidv7 } from 'uuid';
import { LoadedThread, type ResponseItem } from '../../server/thread/loadedThread';
import { emptyThreadContent } from '../../server/thread/threadInit';
import { ThreadStore } from '../../server/rollout/store';
import type { ThreadItem } from '../../protocol/items';

export interface FixtureTurn {
  user: string;
  agent: string;
  /** Extra completed items recorded between the user and the agent message. */
  items?: ThreadItem[];
  status?: 'completed' | 'interrupted' | 'failed';
}

export interface FixtureThread {
  id: string;
  path: string;
  turnIds: string[];
  history: ResponseItem[];
}

const userItem = (text: string): ThreadItem => ({ type: 'userMessage', id: uuidv7(), clientId: null, content: [{ type: 'text', text, text_elements: [] }] });
const agentItem = (text: string): ThreadItem => ({
  type: 'agentMessage',
  id: uuidv7(),
  text,
  phase: 'final_answer',
  moderation: null,
  memoryCitation: null,
  delivery: null,
  questions: null,
});

export function createStoredThread(
  codexHome: string,
  options: { cwd: string; turns: FixtureTurn[]; name?: string; model?: string; createdAt?: Date },
): FixtureThread {
  const store = new ThreadStore(codexHome);
  const id = uuidv7();
  const created = options.createdAt ?? new Date();
  const seconds = Math.floor(created.getTime() / 1000);
  const thread = new LoadedThread(
    {
      id,
      sessionId: id,
      forkedFromId: null,
      createdAt: seconds,
      updatedAt: seconds,
      settings: {
        cwd: options.cwd,
        model: options.model ?? 'mock-model',
        modelProvider: 'mock',
        reasoningEffort: null,
        approvalPolicy: 'never',
        approvalsReviewer: 'user',
        sandbox: { type: 'dangerFullAccess' },
        baseInstructions: null,
        developerInstructions: null,
      },
      config: { raw: {} },
      ephemeral: false,
      rolloutPath: store.newRolloutPath(id, created),
      source: 'vscode',
      originator: 'fixture',
      cliVersion: 'test',
      gitInfo: null,
      ...emptyThreadContent(),
    },
    { onThreadChanged: () => {} },
  );
  const turnIds: string[] = [];
  const history: ResponseItem[] = [];
  for (const spec of options.turns) {
    const turn = thread.beginTurn();
    turnIds.push(turn.id);
    thread.recordItem(turn.id, userItem(spec.user));
    const userHistory: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: spec.user }] };
    thread.appendHistory([userHistory]);
    history.push(userHistory);
    for (const item of spec.items ?? []) thread.recordItem(turn.id, item);
    thread.recordItem(turn.id, agentItem(spec.agent));
    const agentHistory: ResponseItem = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: spec.agent }] };
    thread.appendHistory([agentHistory]);
    history.push(agentHistory);
    thread.updateTokenUsage(turn.id, {
      totalTokens: 30,
      inputTokens: 20,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      outputTokens: 10,
      reasoningOutputTokens: 0,
    });
    thread.completeTurn(turn.id, spec.status ?? 'completed');
  }
  if (options.name) thread.setName(options.name);
  thread.close();
  return { id, path: thread.rolloutPath!, turnIds, history };
}
