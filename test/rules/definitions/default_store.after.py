# dj-migrate: unsafe phase=2 store=raw
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Trace(dj.Manual):
    definition = """
    trace_id : int32
    ---
    trace : <blob@raw>
    doc = null : <attach@raw>
    named : <blob@raw>
    """
