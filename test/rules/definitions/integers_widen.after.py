# dj-migrate: unsafe phase=1 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Counters(dj.Manual):
    definition = """
    # every integer spelling of 0.14.6
    id : int32                    # display width
    ---
    a : int32
    b : int32
    c : int8
    d : int16
    e : int64
    f : int32
    g : int16
    h : int32
    i : int32
    j : int64
    k : int64
    l : bigint unsigned            # stays: no lossless core type
    m = 5 : int unsigned auto_increment
    n : int64                       # BIGINT in 0.14.6
    flag : int8
    pointy : varchar(8)            # `int` inside other words is not a type
    """
