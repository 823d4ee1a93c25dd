# Operators that are not DataJoint's, or already 2.x: nothing to flag.
import datajoint as dj
import numpy as np

schema = dj.Schema("ephys")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    rig : varchar(16)
    """


@schema
class Trial(dj.Manual):
    definition = """
    -> Session
    trial : int32
    """


def queries(key, flags, mask):
    product = np.eye(3) @ np.ones(3)
    bits = flags ^ mask
    bits ^= 0x4
    rigs = dj.U("rig") & Session
    per_rig = dj.U("rig").aggr(Session, n="count(*)")
    everything = dj.U().aggr(Trial, n="max(trial)")
    joined = Session.join(Trial, semantic_check=False)
    restricted = Session().restrict(key, semantic_check=False)
    counted = Session.aggr(Trial, n="count(*)", exclude_nonmatching=True)
    kept = Session.aggr(Trial, n="count(*)", exclude_nonmatching=False)
    extended = Session.extend(Trial)
    plain = Session * Trial & key
    return product, bits, rigs, per_rig, everything, joined, restricted, counted, kept, extended, plain
