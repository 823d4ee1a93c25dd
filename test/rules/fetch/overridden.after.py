import datajoint as dj

schema = dj.Schema("ephys")


class CachedFetch:
    """A mixin that caches what its table fetches."""

    _cache = None

    def fetch(self, *args, **kwargs):
        if self._cache is None:
            self._cache = super().fetch(*args, **kwargs)
        return self._cache


@schema
class Probe(CachedFetch, dj.Manual):
    definition = """
    probe : varchar(16)
    """


@schema
class Session(dj.Manual):
    definition = """
    session : int32
    ---
    -> Probe
    """

    def delete(self, **kwargs):
        print("deleting sessions")
        return super().delete(**kwargs)


@schema
class Plain(dj.Manual):
    definition = """
    plain : int32
    """


def listing(key):
    probes = Probe.fetch(as_dict=True)
    restricted = (Probe & key).fetch("KEY")
    first = Probe.head(3)
    Session.delete(safemode=False)
    plain = Plain.to_dicts()
    return probes, restricted, first, plain
