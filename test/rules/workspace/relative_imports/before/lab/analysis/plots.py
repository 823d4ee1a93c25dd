from .. import pipeline, reports
from . import helpers


def summaries():
    keys = reports.Summary.fetch("KEY")
    scans = pipeline.Scan.fetch(as_dict=True)
    return [helpers.label(k) for k in keys], scans
