import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    rig : varchar(16)
    """


def narrow(key, flags):
    q = Session & key
    q = q & "session > 3"
    q @= Session.proj()
    q ^= "rig = 'A'"
    flags ^= 0x1
    return q.fetch(as_dict=True), flags
