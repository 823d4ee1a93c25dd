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
    q = q.join(Session.proj(), semantic_check=False)
    q = q.restrict("rig = 'A'", semantic_check=False)
    flags ^= 0x1
    return q.to_dicts(), flags
