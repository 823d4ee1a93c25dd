import datajoint as dj

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    session_date : date
    """


@schema
class Scan(dj.Imported):
    definition = """
    -> Session
    ---
    frames : int32
    """
