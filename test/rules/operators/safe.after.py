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
    a = Session.join(Rig, semantic_check=False)
    b = (Session & key).join(Rig.proj(), semantic_check=False)
    c = (Session * Trial).join(Rig, semantic_check=False)
    d = Session().restrict(restriction, semantic_check=False)
    e = (Session & key).restrict({"rig": "A"}, semantic_check=False)
    f = Session.proj().restrict(Rig, semantic_check=False)
    g = (Session.join(Rig, semantic_check=False))
    n = Session.aggr(Trial, n="count(*)", exclude_nonmatching=True)
    m = Session.aggr(
        Trial,
        n="count(*)",
        exclude_nonmatching=True,
    )
    keep_true = Session.aggr(Trial, n="count(*)", exclude_nonmatching=False)
    keep_false = Session.aggr(Trial, n="count(*)", exclude_nonmatching=True)
    keep_var = Session.aggr(Trial, n="count(*)", exclude_nonmatching=not keep)
    keep_expr = Session.aggr(Trial, n="count(*)", exclude_nonmatching=not (keep or key is None))
    alias = (Session & key).aggregate(Trial, n="count(*)", exclude_nonmatching=True)
    per_rig = dj.U("rig").aggr(Session, n="count(*)")
    return a, b, c, d, e, f, g, n, m, keep_true, keep_false, keep_var, keep_expr, alias, per_rig
