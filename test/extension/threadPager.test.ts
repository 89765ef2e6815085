/**
 * ThreadPager against both servers: opening a thread at its newest page and
 * walking back page by page rebuilds exactly the transcript a full
 * `thread/read` gives, failed-turn notices included.
 */
import assert from 'node:assert/strict';
import { ThreadPager } from '../../extension/chat/threadPager';
import { Transcript } from '../../extension/chat/transcript';
import type { CodexClient } from '../../extension/client/codexClient';
import type { ChatEntry } from '../../webview/protocol';
import { reply, type ScriptedReply } from '../helpers/scriptedModel';
import { runTurn, startFixture, stopStartedFixtures } from '../server/turnHelpers';
import { AppServerProcess, makeTempDir } from '../helpers/appServerProcess';
import { ScriptedModel } from '../helpers/scriptedModel';
import { recordTemplate, writeLongThread } from '../../bench/lib/storedThreads';

const TURNS = 9;
const FAILING_TURN = 4;

describe('chat thread pager (ours and the reference)', function () {
  this.timeout(120000);
  afterEach(stopStartedFixtures);

  for (const which of ['reference', 'ours'] as const) {
    it(`loads the newest page first, then older pages, and ends with the whole transcript (${which})`, async () => {
      const replies: ScriptedReply[] = [];
      for (let i = 0; i < TURNS; i++) replies.push(i === FAILING_TURN ? reply.status(400) : reply.text(`answer ${i}`));
      const fixture = await startFixture(which, replies);
      for (let i = 0; i < TURNS; i++) await runTurn(fixture, `question ${i}`);
      const requests: string[] = [];
      const client = {
        request: (method: string, params: any) => {
          requests.push(`${method} ${params.sortDirection ?? ''} ${params.limit ?? ''}`.trim());
          return fixture.server.request(method, params);
        },
      } as unknown as CodexClient;

      const pager = new ThreadPager(client, fixture.threadId, 5);
      let shown: ChatEntry[] = await pager.latest();
      const text = (entries: ChatEntry[]) => entries.map((e) => (e.kind === 'user' || e.kind === 'agent' || e.kind === 'notice' ? `${e.kind}:${e.text}` : e.kind));
      assert.deepEqual(text(shown).slice(-2), ['user:question 8', 'agent:answer 8'], 'the newest items first');
      assert.equal(shown.filter((e) => e.kind === 'user' || e.kind === 'agent').length, 5, 'one page of items');
      assert.equal(requests[0], 'thread/items/list desc 5');
      assert.ok(pager.hasOlder);
      while (pager.hasOlder) shown = [...(await pager.older()), ...shown];

      const { thread } = await fixture.server.request('thread/read', { threadId: fixture.threadId, includeTurns: true });
      const full = Transcript.entriesFromTurns(thread.turns);
      assert.deepEqual(text(shown), text(full));
      assert.deepEqual(shown.map((e) => e.id), full.map((e) => e.id));
      assert.equal(shown.filter((e) => e.kind === 'notice').length, 1, 'the failed turn shows its error once');
      assert.ok(requests.filter((r) => r.startsWith('thread/items/list')).length >= 4, requests.join('\n'));
      assert.deepEqual(fixture.server.violations, []);
    });
  }

  it('a thread the reference cannot page by items (written by the CLI, file-only) is paged by turns, with either server', async () => {
    const model = await new ScriptedModel().start();
    const servers: AppServerProcess[] = [];
    try {
      const templateHome = makeTempDir('codex-home-');
      model.writeConfig(templateHome);
      const template = await recordTemplate(model, templateHome);
      const home = makeTempDir('codex-home-');
      const cwd = makeTempDir('codex-work-');
      model.writeConfig(home);
      const threadId = writeLongThread(template, home, 60, cwd);
      const transcripts: Record<string, string[]> = {};
      for (const which of ['reference', 'ours'] as const) {
        const server = await AppServerProcess.start(which, { codexHome: home, cwd });
        servers.push(server);
        const client = { request: (method: string, params: any) => server.request(method, params) } as unknown as CodexClient;
        const pager = new ThreadPager(client, threadId, 20);
        let shown: ChatEntry[] = await pager.latest();
        assert.ok(shown.length < 60, `${which}: only the newest page first (${shown.length} entries)`);
        while (pager.hasOlder) shown = [...(await pager.older()), ...shown];
        transcripts[which] = shown.map((e) => (e.kind === 'user' || e.kind === 'agent' ? `${e.kind}:${e.text}` : e.kind));
        assert.equal(transcripts[which].length, 60, `${which}: every item once`);
        assert.deepEqual(server.violations, []);
      }
      assert.deepEqual(transcripts.ours, transcripts.reference);
      assert.equal(transcripts.ours[0], 'user:turn 0');
      assert.equal(transcripts.ours.at(-1), 'agent:reply to turn 29');
    } finally {
      for (const server of servers) await server.stop();
      await model.stop();
    }
  });
});
