# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Imported):
    definition = """
    -> Recording
    ___
    spike_times : longblob             # serialized numpy array
    waveform : MEDIUMBLOB
    summary = null : blob
    tiny : tinyblob
    thumbnail = null : attach          # in-table attachment
    good : boolean
    rate : float
    total : double
    exact : double precision
    sampled : real
    half : float(24)                   # stays native
    positive : double unsigned         # stays native
    signal : blob@raw                  # phase 2 only
    """
