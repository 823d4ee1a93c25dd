// Checkpoints under .dj-migrate/ are private: files 0600, folders 0700, a .gitignore of `*`, and no more
// than resuming needs (no user, no password).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultStatePath, loadCopyState, newCheckpoint, newCopyState, saveCopyState } from '../../client/src/db/state';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const posix = process.platform !== 'win32';

test('a checkpoint and its folders are owner-only, and .dj-migrate ignores itself for git', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-private-'));
  const old = process.umask(0o022); // the usual umask: without care, files would be 0644 and folders 0755
  try {
    const file = defaultStatePath(project, 'db.example.org', 3306, ['lab_v2']);
    const state = newCopyState('alice@db.example.org:3306', { lab: 'lab_v2' });
    state.tables['lab.subject'] = newCheckpoint('lab.subject', 'lab_v2.subject', '');
    saveCopyState(file, state);
    const root = path.join(project, '.dj-migrate');
    assert.equal(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'), '*\n');
    if (posix) {
      assert.equal(mode(file).toString(8), '600');
      assert.equal(mode(path.dirname(file)).toString(8), '700');
      assert.equal(mode(root).toString(8), '700');
      assert.equal(mode(path.join(root, '.gitignore')).toString(8), '600');
    }
    // Saved again (every chunk does): still private, no temporary file left.
    saveCopyState(file, state);
    if (posix) assert.equal(mode(file).toString(8), '600');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [path.basename(file)]);
    // Only what resuming needs.
    const text = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /alice/, 'no user name');
    assert.doesNotMatch(text, /password/i);
    const raw = JSON.parse(text);
    assert.deepEqual(Object.keys(raw).sort(), ['kind', 'pairs', 'server', 'tables', 'updatedAt', 'version']);
    assert.equal(raw.server, 'db.example.org:3306');
    assert.equal(loadCopyState(file)?.tables['lab.subject'].target, 'lab_v2.subject');
    // A checkpoint written by an earlier version (with the user) loses the user when it is saved again.
    fs.writeFileSync(file, text.replace('"db.example.org:3306"', '"alice@db.example.org:3306"'));
    const loaded = loadCopyState(file);
    assert.ok(loaded);
    saveCopyState(file, loaded);
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /alice/);
  } finally {
    process.umask(old);
    fs.rmSync(project, { recursive: true, force: true });
  }
});

test('an existing .dj-migrate folder made by someone else is tightened, and its .gitignore is kept', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-private-'));
  try {
    const root = path.join(project, '.dj-migrate');
    fs.mkdirSync(path.join(root, 'state'), { recursive: true, mode: 0o755 });
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.join(root, 'state'), 0o755);
    fs.writeFileSync(path.join(root, '.gitignore'), '*\n!README\n');
    const file = defaultStatePath(project, 'h', 3306, ['x_v2']);
    saveCopyState(file, newCopyState('h:3306', { x: 'x_v2' }));
    if (posix) {
      assert.equal(mode(root).toString(8), '700');
      assert.equal(mode(path.join(root, 'state')).toString(8), '700');
      assert.equal(mode(file).toString(8), '600');
    }
    assert.equal(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'), '*\n!README\n', 'a user’s own file is kept');
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});

test('an explicit --state file elsewhere is owner-only too, without a .gitignore beside it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-private-'));
  const old = process.umask(0o022);
  try {
    const file = path.join(dir, 'sub', 'job.json');
    saveCopyState(file, newCopyState('h:3306', { x: 'x_v2' }));
    if (posix) {
      assert.equal(mode(file).toString(8), '600');
      assert.equal(mode(path.dirname(file)).toString(8), '700');
    }
    assert.equal(fs.existsSync(path.join(dir, 'sub', '.gitignore')), false);
  } finally {
    process.umask(old);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
