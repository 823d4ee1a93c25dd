import datajoint as dj

from ..pipeline import Session

schema = dj.Schema("lab_reports")


@schema
class Summary(dj.Computed):
    definition = """
    -> Session
    ---
    n_scans : int32
    """

    def make(self, key):
        sessions = (Session & key).to_dicts()
        self.insert1(dict(key, n_scans=len(sessions)))
