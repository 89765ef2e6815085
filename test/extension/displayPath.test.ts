import assert from 'node:assert/strict';
import { displayPath } from '../../shared/displayPath';

describe('display paths of changed files', () => {
  it('name first, folder relative to the workspace folder holding it', () => {
    assert.deepEqual(displayPath('/home/me/project/src/notes.txt', ['/home/me/project']), { name: 'notes.txt', folder: 'src' });
    assert.deepEqual(displayPath('/home/me/project/notes.txt', ['/home/me/project/']), { name: 'notes.txt', folder: '' });
    assert.deepEqual(displayPath('/home/me/project/pkg/a/b.ts', ['/home/me/project', '/home/me/project/pkg']), { name: 'b.ts', folder: 'a' }, 'the innermost root');
    assert.deepEqual(displayPath('/home/me/projectile/x.ts', ['/home/me/project']), { name: 'x.ts', folder: '/home/me/projectile' }, 'a sibling with a common prefix is outside');
    assert.deepEqual(displayPath('/etc/hosts', ['/home/me/project']), { name: 'hosts', folder: '/etc' });
    assert.deepEqual(displayPath('src/a.ts'), { name: 'a.ts', folder: 'src' });
    assert.deepEqual(displayPath('C:\\work\\app\\src\\main.ts', ['C:\\work\\app']), { name: 'main.ts', folder: 'src' });
  });
});
