# dj-migrate: unsafe
import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    """


@schema
class Spikes(dj.Computed):
    definition = """
    -> Unit
    """

    def make(self, key):
        todo = self.key_source - self.target
        print(len(self.target & key), todo)


def run(todo, restriction):
    Spikes.populate(keys=todo)
    Spikes.populate(reserve_jobs=True, keys=todo, suppress_errors=True)
    Spikes().populate(keys=None, display_progress=True)
    Spikes.populate(limit=5)
    Spikes.populate(restriction, limit=10, reserve_jobs=True)


def distributed(todo):
    Spikes.populate(
        reserve_jobs=True,  # many workers
        keys=todo,
    )
    Spikes.populate(
        display_progress=True,  # show it
        keys=None,
    )


# order/limit through a dict: left for a person (no rewrite; the dict may be shared)
arguments = {"display_progress": False, "reserve_jobs": True, "order": "random"}
arguments["limit"] = 10
Spikes().populate(**arguments)
