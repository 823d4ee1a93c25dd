import datajoint as dj
from datajoint.jobs import key_hash

schema = dj.Schema("lab")


@schema
class Scan(dj.Computed):
    definition = """
    scan_id : int
    ---
    scan_hash : char(32)
    """

    def make(self, key):
        key["scan_hash"] = key_hash(key)
        self.insert1(key)


def cache_name(key):
    return "cache_" + key_hash(key)
