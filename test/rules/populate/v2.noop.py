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
        self.insert1(key)


@schema
class Custom(dj.Computed):
    definition = """
    -> Unit
    """

    @property
    def target(self):
        return Spikes

    def make(self, key):
        print(self.target)


def run(todo):
    Spikes.populate(todo, reserve_jobs=True, max_calls=5, display_progress=True, processes=2, priority=3)
    Spikes.jobs.errors.delete()
    Spikes.jobs.ignore(todo[0])
    print(Spikes.progress())


class Job:
    target = None

    def run(self, order, keys):
        self.target.populate(keys=keys, order=order)
        print(self.target)


schema_jobs = [j for j in schema]
