import datajoint as dj

schema = dj.Schema("lab")

if not schema.lineage_table_exists:
    schema.rebuild_lineage()
