import datajoint as dj
import hashlib

schema = dj.Schema("lab")


@schema
class Scan(dj.Computed):
    definition = """
    scan_id : int32
    ---
    scan_hash : char(32)
    """

    def make(self, key):
        key["scan_hash"] = hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()
        self.insert1(key)


def cache_name(key):
    return "cache_" + hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()
