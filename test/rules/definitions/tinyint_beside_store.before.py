# dj-migrate: unsafe phase=1 unsigned=widen
# Phase 1 leaves `blob@raw` for phase 2: beside it, the `int8` fixed from `tinyint` is 2.x's TINYINT, never a
# 0.14.6 BIGINT to widen to `int64`.
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Recording(dj.Manual):
    definition = """
    rec : tinyint
    ---
    signal : blob@raw
    """
