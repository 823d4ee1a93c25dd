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
        rows = (Session & key).to_dicts()
        for k in self.keys():
            pass


def summary(key):
    everything = Session.to_arrays()
    arrays = Session.to_arrays(order_by="session_date", limit=10)
    keys = (Session & key).keys(order_by="session_date")
    also_keys = Unit.keys()
    squeezed_keys = Unit.keys(offset=5, limit=5)
    dict_keys = Unit.keys()
    dicts = Session.proj().to_dicts()
    spikes = (Unit.Spike & key).to_dicts(
        order_by="spike",  # oldest first
    )
    joined = (Session * Unit & key).proj(
        "depth",
    ).to_dicts()
    q = Unit & "depth > 10"
    deep = q.to_dicts(limit=3)
    # unsafe rewrites are left for the individual quick fix:
    depths = Unit.fetch("depth")
    frame = Unit.fetch(format="frame")
    first = Unit.head(3)
    one = (Unit & key).fetch1("KEY")
    unit, depth = (Unit & key).fetch1("unit", "depth")
    for row in Unit:
        print(row)
    return everything, arrays, keys, also_keys, dicts, spikes, joined, deep
