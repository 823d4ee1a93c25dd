import hashlib
from datajoint.hash import key_hash

h = key_hash(key)
