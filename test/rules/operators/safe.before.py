import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    rig : varchar(16)
    """


@schema
class Rig(dj.Lookup):
    definition = """
    rig : varchar(16)
    """


@schema
class Trial(dj.Manual):
    definition = """
    -> Session
    trial : int32
    """


def queries(key, restriction, keep):
    a = Session @ Rig
    b = (Session & key) @ Rig.proj()
    c = Session * Trial @ Rig
    d = Session ^ restriction
    e = (Session & key) ^ {"rig": "A"}
    f = Session.proj() ^ Rig
    g = (Session
         @ Rig)
    n = Session.aggr(Trial, n="count(*)")
    m = Session.aggr(
        Trial,
        n="count(*)",
    )
    keep_true = Session.aggr(Trial, n="count(*)", keep_all_rows=True)
    keep_false = Session.aggr(Trial, n="count(*)", keep_all_rows=False)
    keep_var = Session.aggr(Trial, n="count(*)", keep_all_rows=keep)
    keep_expr = Session.aggr(Trial, n="count(*)", keep_all_rows=keep or key is None)
    alias = (Session & key).aggregate(Trial, n="count(*)")
    per_rig = dj.U("rig").aggr(Session, n="count(*)", keep_all_rows=False)
    return a, b, c, d, e, f, g, n, m, keep_true, keep_false, keep_var, keep_expr, alias, per_rig
