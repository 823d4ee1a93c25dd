# dj-migrate: unsafe phase=1 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Measure(dj.Manual):
    definition = """
    measure_id : int16
    ---
    weight = null : decimal(6,2)
    spaced : decimal(6, 2)
    plain : decimal(10,0)
    precision_only : decimal(8,0)
    alias : decimal(5,1)
    loud : decimal(4,1)
    """
