import datajoint as dj
import mylib
from mylib import utils


class Holder:
    hash = None


obj = Holder()
obj.hash.key_hash({"a": 1})
mylib.hash.key_hash({"a": 1})
utils.get_master("x")
mylib.utils.get_master("x")
schema = dj.Schema("lab")
