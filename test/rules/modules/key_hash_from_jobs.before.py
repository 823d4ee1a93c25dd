import datajoint as dj
from datajoint.jobs import key_hash

schema = dj.Schema("rigs")


def cache_name(key):
    return "/tmp/" + key_hash(key) + ".npy"
