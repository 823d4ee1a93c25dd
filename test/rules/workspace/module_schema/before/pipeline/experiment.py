import datajoint as dj

schema = dj.Schema("experiment")


@schema
class Session(dj.Manual):
    definition = """
    session_id : int32
    """
