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
    size : tinyint unsigned
    """


@schema
class Rig(ReportMixin, dj.Lookup):
    definition = """
    rig : varchar(16)
    ---
    channels : smallint
    """

    class Port(ReportMixin, dj.Part):
        definition = """
        -> master
        port : tinyint
        """


@schema
class Probe(NamedMixin, dj.Manual):
    pass


def probes():
    return Probe.fetch(as_dict=True), Rig.Port.fetch("KEY")
