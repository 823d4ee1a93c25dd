# dj-migrate: unsafe
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    ---
    depth : float32
    snr : float32
    """


def analysis(key):
    depths = Unit.fetch("depth")
    depth, snr = (Unit & key).fetch("depth", "snr", order_by="unit")
    keys, depth = Unit.fetch("KEY", "depth")
    depth, keys = Unit.fetch("depth", "KEY", limit=10)
    (snr, keys, depth) = Unit.fetch("snr", "KEY", "depth")
    _, keys = (Unit & key).fetch(
        "depth",
        "KEY",
        order_by="depth",
    )
    stacked = zip(*Unit.fetch("KEY", "depth", "snr"))
    keys, _ = (Unit & key).fetch("KEY", "depth", order_by="depth")
    plain = Unit.fetch("depth", "snr", as_dict=True)
    arr = Unit.fetch("depth", as_dict=False)
    frame = (Unit & key).fetch(format="frame", order_by="depth")
    first = Unit.head()
    top = Unit.head(5, as_dict=True)
    last = Unit.tail(limit=3, format="frame")
    also = (Unit & key).tail(10)
    return depths, depth, snr, keys, stacked, plain, arr, frame, first, top, last, also
