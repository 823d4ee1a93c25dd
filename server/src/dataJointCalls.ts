// A file without a datajoint import can still be DataJoint code: helpers, plotting and test modules that receive a
// pipeline module or table as an argument (`self._ephys.Unit.fetch("KEY")`). Calls with keyword arguments or
// values only DataJoint's query and table API takes mark such a file, so its calls are reported (unverified).

const DATAJOINT_ONLY_CALL = new RegExp(
  [
    String.raw`\.(?:fetch|fetch1|aggr|populate|delete)\s*\([^()]*\b(?:as_dict|download_path|keep_all_rows|reserve_jobs|display_progress|suppress_errors|safemode|force_parts|force_masters)\s*=`,
    String.raw`\.fetch\s*\(\s*["']KEY["']`,
    String.raw`\.fetch\s*\([^()]*\bformat\s*=\s*["']frame["']`,
  ].join('|'),
);

export function callsDataJointOnlyApi(text: string): boolean {
  return DATAJOINT_ONLY_CALL.test(text);
}
