# Every DataJoint expression here comes from another file or a virtual module. Each line marked
# `expect:` must be flagged with exactly those codes, and no other line may be flagged.
import datajoint as dj
import numpy as np

import pipeline as pl
from pipeline import Session, Unit, lab

vm = dj.VirtualModule("ephys", "djfix_ephys")


def report(key, restriction):
    everything = Session.fetch()  # expect: DJ021
    q = Session & key
    rows = q.fetch()  # expect: DJ021
    keys = vm.Session.fetch("KEY")  # expect: DJ020
    subjects = lab.Subject.fetch(as_dict=True)  # expect: DJ022
    spikes = (Unit.Spike & key).fetch(as_dict=True, order_by="spike")  # expect: DJ022
    depth = pl.Unit.fetch("depth")  # expect: DJ023
    joined = Session @ vm.Unit  # expect: DJ040
    counts = Session.aggr(pl.Unit.Spike, n="count(*)")  # expect: DJ044
    later = q ^ restriction  # expect: DJ041
    widened = dj.U("rig") * Session  # expect: DJ042
    narrowed = Session & key
    narrowed = narrowed & restriction
    narrowed_rows = narrowed.fetch(as_dict=True)  # expect: DJ022
    one = (Session & key).fetch1("KEY")
    matrix = np.ones(3) @ np.ones(3)
    return everything, rows, keys, subjects, spikes, depth, joined, counts, later, widened, one, matrix


class Recording(Session):
    def first(self):
        return self.fetch("KEY", limit=1)  # expect: DJ020
