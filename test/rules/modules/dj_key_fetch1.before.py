# `dj.key` inside `fetch1` is the string "KEY" in 2.x (as it was in 0.14.6's fetch1 too).
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    note : varchar(20)
    """


key = (Session & "session = 1").fetch1(dj.key)
key, note = (Session & "session = 1").fetch1(dj.key, "note")
