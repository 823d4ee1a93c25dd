// Which DataJoint line a workspace is on, from its dependency files. A project that still pins 0.x gets
// informational findings and no fix-on-save; one that pins 2.x gets the full rules.
import { classifySpec } from './classify';
import { listFiles } from '../../files';
import { locateDataJointPins, pinFileKind } from './locate';

export type DataJointLine = 'v014' | 'v2' | 'unknown';

export interface DataJointPin {
  line: DataJointLine;
  /** The file and specifier that decided the line (the first DataJoint requirement seen when unknown). */
  file?: string;
  spec?: string;
}

/**
 * A pin admitting only 0.x anywhere wins (the project still runs 0.14.x somewhere, so be cautious);
 * otherwise one admitting only 2.x decides; unpinned, mixed or URL requirements leave it unknown.
 */
export function detectDataJointPin(files: { path: string; text: string }[]): DataJointPin {
  let v2: DataJointPin | undefined;
  let first: DataJointPin | undefined;
  for (const f of files) {
    for (const site of locateDataJointPins(f.path, f.text)) {
      const spec = site.url !== undefined ? `@ ${site.url}` : site.spec;
      first ??= { line: 'unknown', file: f.path, spec };
      if (site.url !== undefined) continue;
      const { verdict } = classifySpec(site.spec, site.dialect);
      if (verdict === 'pre2-only') return { line: 'v014', file: f.path, spec };
      if (!v2 && (verdict === 'ok' || verdict === 'early2-only' || verdict === 'early2-mixed'))
        v2 = { line: 'v2', file: f.path, spec };
    }
  }
  return v2 ?? first ?? { line: 'unknown' };
}

/** Dependency files under `root` (absolute paths, sorted), skipping virtual environments and tool caches. */
export function findPinFiles(root: string): string[] {
  return listFiles([root]).filter((p) => pinFileKind(p));
}
