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
        todo = self.key_source - self
        print(len(self & key), todo)


def run(todo, restriction):
    Spikes.populate(todo)
    Spikes.populate(todo, reserve_jobs=True, suppress_errors=True)
    Spikes().populate(display_progress=True)
    Spikes.populate(max_calls=5)
    Spikes.populate(restriction, max_calls=10, reserve_jobs=True)


def distributed(todo):
    Spikes.populate(
        todo, reserve_jobs=True,  # many workers
    )
    Spikes.populate(
        display_progress=True,  # show it
    )


# order/limit through a dict: left for a person (no rewrite; the dict may be shared)
arguments = {"display_progress": False, "reserve_jobs": True, "order": "random"}
arguments["limit"] = 10
Spikes().populate(**arguments)
