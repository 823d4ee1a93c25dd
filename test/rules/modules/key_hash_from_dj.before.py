import hashlib
import datajoint as dj
from datajoint import Schema, key_hash as kh

schema = Schema("lab")
h = kh(key)
