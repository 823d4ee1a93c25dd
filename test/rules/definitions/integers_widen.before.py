# dj-migrate: unsafe phase=1 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Counters(dj.Manual):
    definition = """
    # every integer spelling of 0.14.6
    id : int(11)                    # display width
    ---
    a : int
    b : INTEGER
    c : tinyint
    d : smallint
    e : bigint
    f : mediumint
    g : tinyint unsigned
    h : smallint unsigned
    i : mediumint unsigned
    j : int unsigned
    k : int(10) unsigned
    l : bigint unsigned            # stays: no lossless core type
    m = 5 : int unsigned auto_increment
    n : int8                       # BIGINT in 0.14.6
    flag : tinyint(1)
    pointy : varchar(8)            # `int` inside other words is not a type
    """
