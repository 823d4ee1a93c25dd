import datajoint as dj

dj.config["fetch_format"] = "frame"

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    ---
    depth : float32
    """


table = Unit.fetch()
arrays = Unit.to_arrays()
rows = Unit.to_dicts()
