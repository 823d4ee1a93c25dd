// What every rule declares and what every finding carries. Shared by all rule families, the LSP
// server, the CLI and the report, so a rule is described in exactly one place.

/** safe: applied by fix-all and fix-on-save; unsafe: offered individually, labelled; manual: explanation only. */
export type Safety = 'safe' | 'unsafe' | 'manual';
export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** 1 = API, types and config; 2 = in-store types (blob@, attach@, filepath@). */
export type Phase = 1 | 2;

/**
 * Code ranges, one per family, so codes stay stable as rules are added:
 * DJ001-019 module names and imports · DJ020-039 fetch family · DJ040-059 query operators ·
 * DJ060-079 table, schema and populate methods · DJ080-099 dj.config in code ·
 * DJ100-129 definitions and types · DJ130-139 schema names · DJ140-159 config files · DJ160-169 dependency pins.
 */
export interface RuleMeta {
  code: string; // 'DJ001'
  name: string; // kebab-case, e.g. 'schema-alias'
  title: string; // one line, e.g. '`dj.schema` was removed; use `dj.Schema`'
  safety: Safety;
  severity: Severity; // severity when migration is enabled (0.14.x-pinned workspaces show 'info')
  phase: Phase;
  /** ids of rows in ../shared/spec/api-changes.md (e.g. 'mod-schema-alias') or spec sections ('§2.1 boolean'). */
  catalogue: string[];
  docs: {
    summary: string; // what changed and what 2.x does if left (AttrErr, SILENT, ...)
    before: string; // 0.14.6 code
    after: string; // 2.x code ('' for manual rules without a mechanical form)
    /** Where the published migration guide is wrong and the library wins, say so here. */
    guideCorrection?: string;
  };
}

/** A replacement of the text between two UTF-16 offsets of the file (the same offsets tree-sitter and LSP use). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** File operations a fix may need besides text edits (config file migration). Paths are absolute. */
export type FileOp =
  | { kind: 'create'; path: string; content: string; overwrite?: false }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'delete'; path: string };

export interface Fix {
  title: string;
  edits: TextEdit[];
  fileOps?: FileOp[];
}

export interface Finding {
  code: string;
  message: string;
  start: number;
  end: number;
  severity: Severity;
  safety: Safety;
  phase: Phase;
  fix?: Fix;
  /**
   * The receiver could not be resolved (nor proven not DataJoint): the finding is a hint that holds only if
   * the receiver is a DataJoint query. `reason` says which receiver, e.g. "receiver not resolved: `self._ephys`".
   */
  unverified?: true;
  reason?: string;
}

/** The message as shown to a person: an unverified finding says which receiver was not resolved. */
export function shownMessage(f: Pick<Finding, 'message' | 'unverified' | 'reason'>): string {
  return f.unverified && f.reason ? `${f.message} [unverified: ${f.reason}]` : f.message;
}
