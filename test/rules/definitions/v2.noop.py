# dj-migrate: unsafe phase=2 unsigned=widen
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Subject(dj.Manual):
    definition = """
    # experimental animal
    subject_id : int64                 # unique animal id
    ---
    -> Species
    sex : enum('M', 'F', 'U')
    dob : date
    weight = null : decimal(6,2)       # grams
    cage_number = null : int32
    litter : int16
    flags : int8                       # 2.x int8: TINYINT
    external_id : uuid
    notes = "" : varchar(1024)
    active = 1 : bool
    metadata = null : json
    session_start : datetime(3)
    """


@schema
class Recording(dj.Manual):
    definition = """
    -> Subject
    recording_id : int32
    ---
    sampling_rate : float64            # Hz
    temperature = null : float32
    signal : <blob@raw>                # raw trace
    lfp = null : <blob@external-raw>   # downsampled trace
    settings_file = null : <attach@attachments>
    raw_file = null : <filepath@files>
    thumbnail = null : <attach>        # in-table attachment
    spikes : <blob>
    raw : bytes
    count : bigint unsigned
    """


@schema
class Stats(dj.Computed):
    definition = """
    -> Recording
    ---
    mean_rate : float64
    """
