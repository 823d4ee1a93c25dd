# fetch1 is unchanged in 2.x (including fetch1("KEY"), which returns one dict); iteration too.
import datajoint as dj
from pipeline import Session

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    -> Session
    unit : int32
    ---
    depth : float32
    """

    def summary(self, key):
        session = (Session & key).fetch1()
        k = (self & key).fetch1("KEY")
        depth, snr = (Unit & key).fetch1("depth", "snr")
        one = (Unit & key).fetch1("depth", squeeze=True)
        k2, d = (Unit & key).fetch1("KEY", "depth")
        for row in Unit & key:
            print(row)
