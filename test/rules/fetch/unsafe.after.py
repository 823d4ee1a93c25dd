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
    depths = Unit.to_arrays("depth")
    depth, snr = (Unit & key).to_arrays("depth", "snr", order_by="unit")
    keys, depth = Unit.to_arrays("depth", include_key=True)
    keys, depth = Unit.to_arrays("depth", include_key=True, limit=10)
    (keys, snr, depth) = Unit.to_arrays("snr", "depth", include_key=True)
    keys, _ = (Unit & key).to_arrays(
        "depth", include_key=True,
        order_by="depth",
    )
    stacked = zip(*Unit.to_arrays("depth", "snr", include_key=True))
    keys, _ = (Unit & key).to_arrays("depth", include_key=True, order_by="depth")
    plain = Unit.proj("depth", "snr").to_dicts()
    arr = Unit.to_arrays("depth")
    frame = (Unit & key).to_pandas(order_by="depth")
    first = Unit.to_arrays(order_by="KEY", limit=25)
    top = Unit.to_dicts(order_by="KEY", limit=5)
    last = Unit.to_pandas(order_by="KEY DESC", limit=3)[::-1]
    also = (Unit & key).to_arrays(order_by="KEY DESC", limit=10)[::-1]
    return depths, depth, snr, keys, stacked, plain, arr, frame, first, top, last, also
