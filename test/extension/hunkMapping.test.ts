import assert from 'node:assert/strict';
import { acceptHunkBase, computeAgentHunks, lineCounts, mapHunksToLive, minimalReplacement, rejectHunkText, splitLines } from '../../extension/diff/core/hunks';

const text = (...lines: string[]) => lines.join('\n') + '\n';

describe('hunk mapping', () => {
  const base = text('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
  // The agent changes c, inserts x after e, deletes g.
  const agent = text('a', 'b', 'C', 'd', 'e', 'x', 'f', 'h');

  it('computes the agent hunks between base and agent text', () => {
    const hunks = computeAgentHunks(splitLines(base), splitLines(agent));
    assert.deepEqual(hunks, [
      { baseStart: 2, baseEnd: 3, agentStart: 2, agentEnd: 3 },
      { baseStart: 5, baseEnd: 5, agentStart: 5, agentEnd: 6 },
      { baseStart: 6, baseEnd: 7, agentStart: 7, agentEnd: 7 },
    ]);
  });

  it('places hunks at the agent lines when the user has not edited', () => {
    const hunks = mapHunksToLive(base, agent, agent);
    assert.deepEqual(
      hunks.map((h) => [h.kind, h.liveStart, h.liveEnd, h.baseLines]),
      [
        ['modified', 2, 3, ['c']],
        ['added', 5, 6, []],
        ['deleted', 7, 7, ['g']],
      ],
    );
  });

  it('shifts hunks below lines the user inserted above them', () => {
    const live = text('new1', 'new2', 'a', 'b', 'C', 'd', 'e', 'x', 'f', 'h');
    const hunks = mapHunksToLive(base, agent, live);
    assert.deepEqual(hunks.map((h) => [h.liveStart, h.liveEnd]), [[4, 5], [7, 8], [9, 9]]);
    assert.deepEqual(hunks.map((h) => h.liveLines), [['C'], ['x'], []]);
  });

  it('shifts hunks up when the user deletes lines above them', () => {
    const live = text('b', 'C', 'd', 'e', 'x', 'f', 'h');
    const hunks = mapHunksToLive(base, agent, live);
    assert.deepEqual(hunks.map((h) => [h.liveStart, h.liveEnd]), [[1, 2], [4, 5], [6, 6]]);
  });

  it('keeps lines the user typed right above or below a hunk out of it', () => {
    const live = text('a', 'b', 'typed above', 'C', 'typed below', 'd', 'e', 'x', 'f', 'h');
    const [first] = mapHunksToLive(base, agent, live);
    assert.deepEqual([first.liveStart, first.liveEnd, first.liveLines], [3, 4, ['C']]);
  });

  it('widens a hunk the user edited inside, and Reject restores the base lines there', () => {
    const agent2 = text('a', 'B1', 'B2', 'B3', 'c');
    const base2 = text('a', 'b', 'c');
    const live = text('a', 'B1', 'user', 'B3', 'c');
    const [hunk] = mapHunksToLive(base2, agent2, live);
    assert.deepEqual([hunk.liveStart, hunk.liveEnd, hunk.liveLines], [1, 4, ['B1', 'user', 'B3']]);
    assert.equal(rejectHunkText(live, hunk), base2);
  });

  it('widens a hunk when the user rewrote its first line', () => {
    const live = text('a', 'b', 'C edited', 'd', 'e', 'x', 'f', 'h');
    const [hunk] = mapHunksToLive(base, agent, live);
    assert.deepEqual([hunk.liveStart, hunk.liveEnd, hunk.liveLines], [2, 3, ['C edited']]);
  });

  it('merges hunks that a user edit joined', () => {
    const base3 = text('a', 'b', 'c', 'd', 'e');
    const agent3 = text('a', 'B', 'c', 'D', 'e');
    const live = text('a', 'one edit over both', 'e');
    const hunks = mapHunksToLive(base3, agent3, live);
    assert.equal(hunks.length, 1);
    assert.deepEqual([hunks[0].liveStart, hunks[0].liveEnd, hunks[0].baseLines], [1, 2, ['b', 'c', 'd']]);
    assert.equal(rejectHunkText(live, hunks[0]), base3);
  });

  it('drops a hunk the user reverted by hand', () => {
    const live = text('a', 'b', 'c', 'd', 'e', 'x', 'f', 'h');
    const hunks = mapHunksToLive(base, agent, live);
    assert.deepEqual(hunks.map((h) => h.kind), ['added', 'deleted']);
  });

  it('handles an added file (empty base) and a file without a final newline', () => {
    const hunks = mapHunksToLive('', 'one\ntwo', 'one\ntwo');
    assert.equal(hunks.length, 1);
    assert.equal(hunks[0].kind, 'modified'); // the empty line of '' is replaced
    assert.equal(rejectHunkText('one\ntwo', hunks[0]), '');
  });

  it('keeps CRLF line endings when rejecting', () => {
    const live = 'a\r\nB\r\nc\r\n';
    const [hunk] = mapHunksToLive('a\nb\nc\n', 'a\nB\nc\n', live);
    assert.equal(rejectHunkText(live, hunk), 'a\r\nb\r\nc\r\n');
  });

  it('accepting a hunk moves the base forward so only the other hunks remain', () => {
    const [first] = mapHunksToLive(base, agent, agent);
    const newBase = acceptHunkBase(base, agent, first);
    assert.equal(newBase, text('a', 'b', 'C', 'd', 'e', 'f', 'g', 'h'));
    assert.deepEqual(mapHunksToLive(newBase, agent, agent).map((h) => h.kind), ['added', 'deleted']);
  });

  it('gives hunks ids that survive user edits elsewhere', () => {
    const before = mapHunksToLive(base, agent, agent).map((h) => h.id);
    const after = mapHunksToLive(base, agent, text('new', 'a', 'b', 'C', 'd', 'e', 'x', 'f', 'h')).map((h) => h.id);
    assert.deepEqual(after, before);
    assert.equal(new Set(before).size, 3);
  });

  it('counts added and removed lines', () => {
    assert.deepEqual(lineCounts(base, agent), { added: 2, removed: 2 });
    assert.deepEqual(lineCounts(undefined, text('x', 'y')), { added: 2, removed: 0 });
    assert.deepEqual(lineCounts(text('x'), undefined), { added: 0, removed: 1 });
  });

  it('computes a minimal replacement', () => {
    assert.deepEqual(minimalReplacement('abcXdef', 'abcYYdef'), { start: 3, end: 4, text: 'YY' });
    assert.equal(minimalReplacement('same', 'same'), undefined);
    assert.deepEqual(minimalReplacement('aaa', 'aa'), { start: 2, end: 3, text: '' });
  });
});

describe('hunk mapping on random edits', () => {
  /** Small deterministic PRNG (mulberry32) so failures reproduce. */
  function rng(seed: number): () => number {
    return () => {
      seed |= 0;
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Random lines from a tiny alphabet, so the diffs have ambiguous matches to get wrong. */
  function randomEdit(random: () => number, lines: string[], tag: string): string[] {
    const out = [...lines];
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (out.length + 1));
      const op = random();
      if (op < 0.4) out.splice(at, 0, `${tag}${Math.floor(random() * 3)}`);
      else if (op < 0.7 && out.length > 1) out.splice(Math.min(at, out.length - 1), 1);
      else if (out.length) out[Math.min(at, out.length - 1)] = `${tag}${Math.floor(random() * 3)}`;
    }
    return out;
  }

  const text = (lines: string[]) => lines.join('\n') + '\n';

  it('rejecting every hunk one by one gives back the base exactly (no user edits)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const baseLines = Array.from({ length: 3 + Math.floor(random() * 12) }, () => `l${Math.floor(random() * 4)}`);
      const base = text(baseLines);
      let agent = text(randomEdit(random, baseLines, 'a'));
      let live = agent;
      for (let guard = 0; guard < 50; guard++) {
        const [hunk] = mapHunksToLive(base, agent, live);
        if (!hunk) break;
        live = rejectHunkText(live, hunk);
        agent = live; // the store drops the hunk from the agent text too
      }
      assert.equal(live, base, `seed ${seed}`);
    }
  });

  it('rejecting every hunk after user edits gives back the base plus the user lines outside hunks', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const baseLines = Array.from({ length: 3 + Math.floor(random() * 12) }, () => `l${Math.floor(random() * 4)}`);
      const base = text(baseLines);
      const agentLines = randomEdit(random, baseLines, 'a');
      const agentText = text(agentLines);
      // The user only inserts lines of their own (tagged U): nothing of the agent's is touched.
      const liveLines = [...agentLines];
      const inserts = 1 + Math.floor(random() * 3);
      for (let i = 0; i < inserts; i++) liveLines.splice(Math.floor(random() * (liveLines.length + 1)), 0, `U${i}`);
      let live = text(liveLines);
      let agent = agentText;
      for (let guard = 0; guard < 50; guard++) {
        const hunks = mapHunksToLive(base, agent, live);
        const [hunk] = hunks;
        if (!hunk) break;
        // Hunks never overlap and stay inside the live text.
        for (let i = 0; i < hunks.length; i++) {
          assert.ok(hunks[i].liveStart <= hunks[i].liveEnd && hunks[i].liveEnd <= splitLines(live).length, `seed ${seed}: range`);
          if (i) assert.ok(hunks[i - 1].liveEnd <= hunks[i].liveStart, `seed ${seed}: overlap`);
        }
        const agentArr = splitLines(agent);
        const next = rejectHunkText(live, hunk);
        agent = [...agentArr.slice(0, hunk.agentStart), ...hunk.baseLines, ...agentArr.slice(hunk.agentEnd)].join('\n');
        live = next;
      }
      const withoutUser = splitLines(live).filter((line) => !/^U\d$/.test(line)).join('\n');
      assert.equal(withoutUser, base, `seed ${seed}: ${JSON.stringify({ base, agentText, live })}`);
    }
  });
});
