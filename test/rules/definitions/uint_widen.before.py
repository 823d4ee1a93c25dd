# dj-migrate: unsafe phase=1 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Guide(dj.Manual):
    definition = """
    # written from the published guide
    a : uint8
    ---
    b : uint16
    c : uint32
    d : uint64
    """
