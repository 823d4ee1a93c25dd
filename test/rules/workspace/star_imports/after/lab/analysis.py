from os.path import *

from . import behavior
from .behavior import *

# `Session` and `dj` come through two star imports; `behavior.Session` through the module's own.
keys = Session.keys()
rows = behavior.Session.to_dicts()
here = dirname(abspath(__file__))
