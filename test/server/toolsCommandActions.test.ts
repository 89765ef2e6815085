import assert from 'node:assert/strict';
import { parseCommandActions, shellWords } from '../../server/tools/commandActions';

describe('command actions (what a command does, for display)', () => {
  const cwd = '/work/repo';
  // Expected values recorded from the reference app-server for the same commands.
  const cases: [string, unknown[]][] = [
    ['cat a.txt', [{ type: 'read', command: 'cat a.txt', name: 'a.txt', path: '/work/repo/a.txt' }]],
    ['ls -la', [{ type: 'listFiles', command: 'ls -la', path: null }]],
    ['rg foo src', [{ type: 'search', command: 'rg foo src', query: 'foo', path: 'src' }]],
    ['grep -n bar a.txt', [{ type: 'search', command: 'grep -n bar a.txt', query: 'bar', path: 'a.txt' }]],
    ['head -n 5 a.txt', [{ type: 'read', command: 'head -n 5 a.txt', name: 'a.txt', path: '/work/repo/a.txt' }]],
    ["sed -n '1,5p' a.txt", [{ type: 'read', command: "sed -n '1,5p' a.txt", name: 'a.txt', path: '/work/repo/a.txt' }]],
    ['find . -name x', [{ type: 'search', command: 'find . -name x', query: 'x', path: '.' }]],
    ['cat a.txt | head', [{ type: 'read', command: 'cat a.txt', name: 'a.txt', path: '/work/repo/a.txt' }]],
    ['cd src && rg foo', [{ type: 'search', command: 'rg foo', query: 'foo', path: null }]],
    ['nl -ba a.txt', [{ type: 'read', command: 'nl -ba a.txt', name: 'a.txt', path: '/work/repo/a.txt' }]],
    ['rg --files', [{ type: 'listFiles', command: 'rg --files', path: null }]],
    ['git status', [{ type: 'unknown', command: 'git status' }]],
    ['echo hi > f', [{ type: 'unknown', command: 'echo hi > f' }]],
  ];
  for (const [cmd, expected] of cases) {
    it(cmd, () => assert.deepEqual(parseCommandActions(cmd, cwd), expected));
  }

  it('splits words like a shell', () => {
    assert.deepEqual(shellWords(`a 'b c' "d \\" e" f\\ g`), ['a', 'b c', 'd " e', 'f g']);
    assert.equal(shellWords("a 'b"), null);
  });
});
