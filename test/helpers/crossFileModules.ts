// A small project whose findings depend on files other than their own, for the checks that analyse a file before
// the files it reads are indexed (one pass, parallel chunks): `a.py` and `<partner>.py` import each other (each
// fetches "KEY" on the other's table: DJ020 only if that table is known), and `c.py` reads a setting that
// `z_conf.py`, which it does not import (and which comes after it), makes (DJ031 names z_conf.py).

/** File name → text. `partner` names the module a.py imports (its place in file order is the caller's choice). */
export function crossFileModules(partner: string): Record<string, string> {
  return {
    'a.py': [
      'import datajoint as dj',
      `from ${partner} import Session`,
      'schema = dj.schema("lab")',
      '',
      '@schema',
      'class Subject(dj.Manual):',
      '    definition = """',
      '    subject_id : int',
      '    """',
      '',
      'def rows():',
      '    return (Session & "x > 1").fetch("KEY")',
      '',
    ].join('\n'),
    [`${partner}.py`]: [
      'import datajoint as dj',
      'from a import Subject',
      'schema = dj.schema("lab")',
      '',
      '@schema',
      'class Session(dj.Manual):',
      '    definition = """',
      '    -> Subject',
      '    session : int',
      '    """',
      '',
      'def rows():',
      '    return (Subject & "x > 1").fetch("KEY")',
      '',
    ].join('\n'),
    'c.py': ['import datajoint as dj', 'from a import Subject', '', 'df = Subject.fetch()', ''].join('\n'),
    'z_conf.py': ['import datajoint as dj', 'dj.config["fetch_format"] = "frame"', ''].join('\n'),
  };
}
