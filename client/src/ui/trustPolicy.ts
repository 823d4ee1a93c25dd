// Restricted Mode (an untrusted folder): what the extension still does and what needs the folder trusted first.
// Diagnostics, hovers, reports and the output stay; anything that connects to a database with the stored
// passwords (a folder's settings could point a connection id at another host) or rewrites files asks for
// trust. No vscode import: the extension wires these rules to VS Code (trust.ts), the tests check them directly.

export type TrustReason = 'connections' | 'database' | 'writes';

const REASON_TEXT: Record<TrustReason, string> = {
  connections: 'changes the database connections and passwords you have stored',
  database: 'connects to database servers with the passwords in your secret storage',
  writes: 'rewrites files in this folder',
};

/** Commands (the extension's and the language server's) that run only in a trusted folder, and why. */
export const NEEDS_TRUST: Readonly<Record<string, TrustReason>> = {
  'datajoint.connection.add': 'connections',
  'datajoint.connection.edit': 'connections',
  'datajoint.connection.remove': 'connections',
  'datajoint.connection.test': 'database',
  'datajoint.connection.import': 'connections',
  'datajoint.table.showDdl': 'database',
  'datajoint.explorer.revealTable': 'database',
  'datajoint.db.preflight': 'database',
  'datajoint.db.createParallel': 'database',
  'datajoint.db.copy': 'database',
  'datajoint.db.migratePointers': 'database',
  'datajoint.db.compare': 'database',
  'datajoint.db.verify': 'database',
  'datajoint.db.cutOver': 'database',
  'datajoint.db.backup': 'database',
  'datajoint.db.restore': 'database',
  'datajoint.db.swap': 'database',
  'datajoint.db.unswap': 'database',
  'datajoint.db.retire': 'database',
  'datajoint.db.migrateInPlace': 'database',
  'datajoint.migration.runNext': 'database',
  'datajoint.migration.addPipeline': 'database',
  'datajoint.map.show': 'database',
  'datajoint.differences.openInMap': 'database',
  'datajoint.code.finalizeSchemaNames': 'writes',
  'datajoint.code.migrateWorkspace': 'writes',
  'datajoint.code.migrateConfig': 'writes',
  'datajoint.code.updatePin': 'writes',
  // the language server's own commands (fix-all and workspace rewrites)
  'datajoint.migrateWorkspace': 'writes',
  'datajoint.finalizeSchemaNames': 'writes',
  'datajoint.fixAllInFile': 'writes',
};

/** Commands that stay available in Restricted Mode: they read what is already here and change nothing outside. */
export const ALLOWED_IN_RESTRICTED_MODE: readonly string[] = [
  'datajoint.explorer.refresh',
  'datajoint.showOutput',
  'datajoint.code.showReport',
  'datajoint.migration.openReport',
  'datajoint.migration.clearHistory',
  'datajoint.migrationReport',
  'datajoint.migration.openReportDocument',
  'datajoint.migration.showOnlyPipeline',
  'datajoint.migration.hidePipeline',
  'datajoint.differences.filter',
  'datajoint.differences.clearFilter',
  'datajoint.differences.showMore',
  'datajoint.differences.copySql',
];

/** VS Code's own command that opens the trust editor. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

export function trustMessage(reason: TrustReason): string {
  return (
    `This DataJoint command ${REASON_TEXT[reason]}, so it runs only in a trusted folder. ` +
    'The folder is open in Restricted Mode: DataJoint findings and hovers still work; trust the folder to connect ' +
    'to databases and apply fixes.'
  );
}

export interface TrustGate {
  isTrusted(): boolean;
  /** Tell the user why, offering to manage trust; resolves when the message is dismissed. */
  ask(message: string): Promise<void>;
}

/** `fn` as it runs behind the trust rule: unchanged for commands that need no trust, else asked for first. */
export function requireTrust<A extends unknown[], R>(
  id: string,
  fn: (...args: A) => R,
  gate: TrustGate,
): (...args: A) => R | Promise<undefined> {
  const reason = NEEDS_TRUST[id];
  if (!reason) return fn;
  return (...args: A) => (gate.isTrusted() ? fn(...args) : gate.ask(trustMessage(reason)).then(() => undefined));
}

/**
 * What the light bulb offers in Restricted Mode instead of the fixes the language server computed: one action
 * that opens the trust editor, or nothing at all for fix-on-save and other source actions (never a prompt on save).
 */
export function restrictedCodeActions(
  fixes: readonly { title: string }[] | null | undefined,
  requestedKind: string | undefined,
): { title: string; command: string }[] {
  if (!fixes?.length || requestedKind?.startsWith('source')) return [];
  return [
    {
      title: `DataJoint: trust this folder to apply fixes (${fixes.length} available; Restricted Mode)`,
      command: MANAGE_TRUST_COMMAND,
    },
  ];
}
