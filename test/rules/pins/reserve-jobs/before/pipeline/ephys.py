import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Spikes(dj.Computed):
    definition = """
    unit_id : int32
    ---
    count : int32
    """

    def make(self, key):
        self.insert1(dict(key, count=0))


if __name__ == "__main__":
    Spikes.populate(reserve_jobs=True, display_progress=True)
