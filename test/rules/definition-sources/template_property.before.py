# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("imaging")


class TraceTemplate:
    """Subclasses name their source table and the trace type."""

    source = None
    trace_type = "longblob"

    @property
    def definition(self):
        return f"""
        -> {self.source}
        trace_id : int unsigned     # within the source
        ---
        trace : {self.trace_type}
        sampling_rate : double
        """


@schema
class RawTrace(TraceTemplate, dj.Imported):
    source = "Scan"


class SummaryTemplate(dj.Computed):
    def definition(self):
        return """
        -> RawTrace
        ---
        mean_image : longblob
        n_frames : int
        """


class EpochTemplate(dj.Computed):
    epoch_type = "longblob"

    @property
    def definition(self):
        return """
        -> RawTrace
        epoch : smallint unsigned
        ---
        values : {dtype}
        """.format(dtype=self.epoch_type)


class ScoreTemplate(dj.Computed):
    @property
    def definition(self):
        head = """
        -> RawTrace
        ---
        score : float
        """
        return head + self.extra_attributes
