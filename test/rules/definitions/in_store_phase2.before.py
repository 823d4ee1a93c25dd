# dj-migrate: unsafe phase=2
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Recording(dj.Manual):
    definition = """
    -> Session
    recording_id : int
    ---
    signal : blob@raw                  # raw trace
    lfp = null : blob@external-raw     # downsampled trace
    settings_file = null : attach@attachments
    raw_file = null : filepath@files
    wiring : <graph>                   # adapted type stays
    """
