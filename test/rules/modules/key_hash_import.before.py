import datajoint as dj
from datajoint.hash import key_hash

schema = dj.Schema("lab")


def digest(key):
    return key_hash(key)


h = key_hash(dict(a=1, b=2))
