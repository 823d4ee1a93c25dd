# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("behavior")

TRIAL_KEY = """
-> Session
trial : smallint unsigned   # trial number
"""
TIMING = "start_time : double   # seconds\n" "stop_time : double\n"


@schema
class Trial(dj.Manual):
    definition = (
        TRIAL_KEY
        + """
    ---
    outcome : varchar(16)
    """
        + TIMING
    )


@schema
class Event(dj.Manual):
    definition = f"""
    {TRIAL_KEY}
    event_idx : int
    ---
    payload : longblob
    {extra_attributes()}
    """


def extra_attributes():
    return "note : varchar(255)"
