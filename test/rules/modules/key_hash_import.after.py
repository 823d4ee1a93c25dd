import datajoint as dj
import hashlib

schema = dj.Schema("lab")


def digest(key):
    return hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()


h = hashlib.md5("".join(str(v) for _, v in sorted((dict(a=1, b=2)).items())).encode()).hexdigest()
