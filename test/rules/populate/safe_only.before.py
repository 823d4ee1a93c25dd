import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Unit(dj.Manual):
    definition = """
    unit : int32
    """


@schema
class Spikes(dj.Imported):
    definition = """
    -> Unit
    """

    def make(self, key):
        if key in self.target:
            return


def run(todo):
    Spikes.populate(keys=todo)
    Spikes.populate(limit=5)
    Spikes.populate(keys=None)
