import hashlib
import datajoint as dj
from datajoint import Schema

schema = Schema("lab")
h = hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()
