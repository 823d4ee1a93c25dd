// Restricted Mode: the manifest declares limited support (with a description and the settings a folder may not
// set), every command is either gated or knowingly allowed, gated commands ask instead of running, the light
// bulb offers trust instead of fixes (and nothing on save), and the views' welcome text says why they are empty.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths';
import {
  ALLOWED_IN_RESTRICTED_MODE,
  MANAGE_TRUST_COMMAND,
  NEEDS_TRUST,
  requireTrust,
  restrictedCodeActions,
  type TrustGate,
} from '../../client/src/ui/trustPolicy';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
/** The language server's executeCommand commands (read from its source: importing server.ts would start a server). */
const serverCommands = [
  ...(
    /export const COMMANDS = \{([^}]*)\}/.exec(
      fs.readFileSync(path.join(repoRoot, 'server', 'src', 'server.ts'), 'utf8'),
    )?.[1] ?? ''
  ).matchAll(/'(datajoint\.[\w.]+)'/g),
].map((m) => m[1]);

function gate(trusted: boolean): TrustGate & { asked: string[] } {
  const asked: string[] = [];
  return { asked, isTrusted: () => trusted, ask: async (m) => void asked.push(m) };
}

describe('Restricted Mode', () => {
  it('is declared as limited support, with a description and the settings an untrusted folder may not set', () => {
    const u = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(u?.supported, 'limited');
    assert.match(u.description, /findings, hovers/);
    assert.match(u.description, /trusted folder/);
    assert.deepEqual([...u.restrictedConfigurations].sort(), ['datajoint.connections', 'datajoint.storesFile']);
    for (const key of u.restrictedConfigurations) assert.ok(manifest.contributes.configuration.properties[key], key);
  });

  it('classifies every contributed and language-server command: gated, or knowingly allowed', () => {
    assert.ok(serverCommands.length >= 4, `server commands found: ${serverCommands}`);
    const all = [...contributed, ...serverCommands];
    const unclassified = all.filter((c) => !NEEDS_TRUST[c] && !ALLOWED_IN_RESTRICTED_MODE.includes(c));
    assert.deepEqual(unclassified, []);
    const unknown = [...Object.keys(NEEDS_TRUST), ...ALLOWED_IN_RESTRICTED_MODE].filter((c) => !all.includes(c));
    assert.deepEqual(unknown, [], 'the lists name only commands that exist');
    for (const c of all.filter((c) => /^datajoint\.(db|connection)\./.test(c)))
      assert.ok(NEEDS_TRUST[c], `${c} needs trust`);
    for (const c of ['datajoint.code.migrateWorkspace', 'datajoint.fixAllInFile', 'datajoint.migrateWorkspace'])
      assert.equal(NEEDS_TRUST[c], 'writes');
  });

  it('a gated command asks for trust instead of running, and runs once the folder is trusted', async () => {
    let runs = 0;
    const copy = (schema: string) => {
      runs++;
      return `copied ${schema}`;
    };
    const untrusted = gate(false);
    assert.equal(await requireTrust('datajoint.db.copy', copy, untrusted)('lab'), undefined);
    assert.equal(runs, 0);
    assert.equal(untrusted.asked.length, 1);
    assert.match(untrusted.asked[0], /connects to database servers with the passwords in your secret storage/);
    assert.match(untrusted.asked[0], /Restricted Mode: DataJoint findings and hovers still work/);
    const trusted = gate(true);
    assert.equal(await requireTrust('datajoint.db.copy', copy, trusted)('lab'), 'copied lab');
    assert.equal(runs, 1);
    assert.deepEqual(trusted.asked, []);
    const fixes = gate(false);
    await requireTrust('datajoint.code.migrateWorkspace', () => runs++, fixes)();
    assert.match(fixes.asked[0], /rewrites files in this folder/);
    assert.equal(runs, 1);
  });

  it('an allowed command runs in Restricted Mode without asking', () => {
    const g = gate(false);
    const showOutput = () => 'shown';
    assert.equal(requireTrust('datajoint.showOutput', showOutput, g), showOutput);
    assert.equal(requireTrust('datajoint.showOutput', showOutput, g)(), 'shown');
    assert.deepEqual(g.asked, []);
  });

  it('the light bulb offers trust instead of fixes, and fix-on-save gets nothing', () => {
    const fixes = [{ title: 'DataJoint: fetch(format=frame) → to_pandas()' }, { title: 'fix all DJ101 in file' }];
    const offered = restrictedCodeActions(fixes, undefined);
    assert.equal(offered.length, 1);
    assert.equal(offered[0].command, MANAGE_TRUST_COMMAND);
    assert.match(offered[0].title, /trust this folder to apply fixes \(2 available/);
    assert.deepEqual(restrictedCodeActions(fixes, 'quickfix'), offered);
    assert.deepEqual(restrictedCodeActions(fixes, 'source.fixAll.datajoint'), []);
    assert.deepEqual(restrictedCodeActions([], undefined), []);
    assert.deepEqual(restrictedCodeActions(undefined, undefined), []);
  });

  it("each view's welcome text says why it is empty in Restricted Mode, and only there", () => {
    const welcome = manifest.contributes.viewsWelcome as { view: string; contents: string; when?: string }[];
    for (const view of manifest.contributes.views.datajoint.map((v: { id: string }) => v.id)) {
      const restricted = welcome.filter((w) => w.view === view && w.when === '!isWorkspaceTrusted');
      assert.equal(restricted.length, 1, view);
      assert.match(restricted[0].contents, /Restricted Mode: this folder is not trusted/);
      assert.match(restricted[0].contents, /\(command:workbench\.trust\.manage\)/);
      for (const w of welcome.filter((w) => w.view === view && w !== restricted[0]))
        assert.match(w.when ?? '', /^isWorkspaceTrusted\b/, `the usual welcome of ${view} waits for trust`);
    }
  });

  it('view-title buttons of gated commands are hidden in Restricted Mode; the others stay', () => {
    for (const m of manifest.contributes.menus['view/title'] as { command: string; when: string }[])
      assert.equal(/isWorkspaceTrusted/.test(m.when), !!NEEDS_TRUST[m.command], `${m.command}: ${m.when}`);
  });
});
