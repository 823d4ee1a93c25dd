# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Imported):
    definition = """
    -> Recording
    ---
    spike_times : <blob>             # serialized numpy array
    waveform : <blob>
    summary = null : <blob>
    tiny : <blob>
    thumbnail = null : <attach>          # in-table attachment
    good : bool
    rate : float32
    total : float64
    exact : float64
    sampled : float64
    half : float(24)                   # stays native
    positive : double unsigned         # stays native
    signal : blob@raw                  # phase 2 only
    """
