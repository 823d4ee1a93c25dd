# dj-migrate: phase=1 unsigned=widen
# Fix-all (safe fixes only) on a 0.14.6 definition with an `int8`: the safe `int` → `int32` would make the
# definition read as 2.x and hide the `int8` (BIGINT here, TINYINT in 2.x), so it waits for the unsafe pass.
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Litter(dj.Manual):
    definition = """
    litter_id : varchar(16)
    ---
    n_pups : int8                  # BIGINT in 0.14.6
    weight : int
    """


@schema
class Cage(dj.Manual):
    definition = """
    cage_id : int32
    """
