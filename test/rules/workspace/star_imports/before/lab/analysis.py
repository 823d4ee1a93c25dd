from os.path import *

from . import behavior
from .behavior import *

# `Session` and `dj` come through two star imports; `behavior.Session` through the module's own.
keys = Session.fetch(dj.key)
rows = behavior.Session.fetch(as_dict=True)
here = dirname(abspath(__file__))
