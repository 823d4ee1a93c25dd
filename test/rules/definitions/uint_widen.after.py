# dj-migrate: unsafe phase=1 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Guide(dj.Manual):
    definition = """
    # written from the published guide
    a : int16
    ---
    b : int32
    c : int64
    d : bigint unsigned
    """
