# dj-migrate: unsafe phase=1 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Measure(dj.Manual):
    definition = """
    measure_id : smallint
    ---
    weight = null : decimal(6,2) unsigned
    spaced : decimal(6, 2)
    plain : decimal
    precision_only : DECIMAL(8)
    alias : numeric(5,1)
    loud : DECIMAL(4,1)
    """
