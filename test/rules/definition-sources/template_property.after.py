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
        trace_id : int64     # within the source
        ---
        trace : {self.trace_type}
        sampling_rate : float64
        """


@schema
class RawTrace(TraceTemplate, dj.Imported):
    source = "Scan"


class SummaryTemplate(dj.Computed):
    def definition(self):
        return """
        -> RawTrace
        ---
        mean_image : <blob>
        n_frames : int32
        """


class EpochTemplate(dj.Computed):
    epoch_type = "longblob"

    @property
    def definition(self):
        return """
        -> RawTrace
        epoch : int32
        ---
        values : {dtype}
        """.format(dtype=self.epoch_type)


class ScoreTemplate(dj.Computed):
    @property
    def definition(self):
        head = """
        -> RawTrace
        ---
        score : float32
        """
        return head + self.extra_attributes
