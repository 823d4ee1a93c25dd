import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    session_date : date
    """


@schema
class Unit(dj.Computed):
    definition = """
    -> Session
    unit : int32
    ---
    depth : float32
    """

    class Spike(dj.Part):
        definition = """
        -> master
        spike : int32
        """

    def make(self, key):
        rows = (Session & key).fetch(as_dict=True)
        for k in self.fetch("KEY"):
            pass


def summary(key):
    everything = Session.fetch()
    arrays = Session.fetch(format="array", order_by="session_date", limit=10)
    keys = (Session & key).fetch("KEY", order_by="session_date")
    also_keys = Unit.fetch(dj.key)
    squeezed_keys = Unit.fetch("KEY", squeeze=True, offset=5, limit=5)
    dict_keys = Unit.fetch("KEY", as_dict=True)
    dicts = Session.proj().fetch(as_dict=True)
    spikes = (Unit.Spike & key).fetch(
        as_dict=True,
        order_by="spike",  # oldest first
    )
    joined = (Session * Unit & key).fetch(
        "KEY",
        "depth",
        as_dict=True,
    )
    q = Unit & "depth > 10"
    deep = q.fetch(as_dict=True, limit=3)
    # unsafe rewrites are left for the individual quick fix:
    depths = Unit.fetch("depth")
    frame = Unit.fetch(format="frame")
    first = Unit.head(3)
    one = (Unit & key).fetch1("KEY")
    unit, depth = (Unit & key).fetch1("unit", "depth")
    for row in Unit:
        print(row)
    return everything, arrays, keys, also_keys, dicts, spikes, joined, deep
