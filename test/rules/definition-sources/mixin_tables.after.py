# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("lab")


class ReportMixin:
    """Adds a summary to any table."""

    def summary(self):
        return len(self)


class NamedMixin:
    definition = """
    # a named thing
    name : varchar(32)
    ---
    size : int16
    """


@schema
class Rig(ReportMixin, dj.Lookup):
    definition = """
    rig : varchar(16)
    ---
    channels : int16
    """

    class Port(ReportMixin, dj.Part):
        definition = """
        -> master
        port : int8
        """


@schema
class Probe(NamedMixin, dj.Manual):
    pass


def probes():
    return Probe.to_dicts(), Rig.Port.keys()
