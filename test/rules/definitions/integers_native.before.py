# dj-migrate: unsafe phase=1 unsigned=native
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Subject(dj.Manual):
    definition = """
    subject_id : int unsigned
    ---
    litter : tinyint unsigned
    cage = null : smallint unsigned
    count : bigint unsigned
    depth : mediumint
    weight = null : decimal(6,2) unsigned   # grams
    idx : int
    legacy : uint32
    """
