# Already DataJoint 2.x: nothing to flag.
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    ---
    depth : float32
    raw : <attach@raw>
    """

    def session_keys(self):
        return self.keys()


def analysis(key):
    arrays = Unit.to_arrays()
    depth, snr = (Unit & key).to_arrays("depth", "snr", order_by="unit")
    keys, depth = Unit.to_arrays("depth", include_key=True, limit=10)
    rows = Unit.proj("depth").to_dicts(order_by="depth")
    frame = Unit.to_pandas()
    ks = (Unit & key).keys(order_by="unit", limit=3)
    with dj.config.override(download_path="/tmp"):
        raw = (Unit & key).fetch1("raw")
    return arrays, depth, snr, keys, rows, frame, ks, raw
