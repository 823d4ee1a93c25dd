import datajoint as dj
import hashlib

schema = dj.Schema("rigs")


def cache_name(key):
    return "/tmp/" + hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest() + ".npy"
