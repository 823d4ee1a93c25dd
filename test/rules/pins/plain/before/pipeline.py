import datajoint as dj

schema = dj.Schema("lab")
populate_settings = {"display_progress": True, "reserve_jobs": False}


@schema
class Session(dj.Manual):
    definition = """
    session_id : int32
    """


def run(table):
    table.populate(reserve_jobs=False)
    table.populate(**populate_settings)
    return Session * Session.proj()
