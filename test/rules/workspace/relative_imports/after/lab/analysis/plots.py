from .. import pipeline, reports
from . import helpers


def summaries():
    keys = reports.Summary.keys()
    scans = pipeline.Scan.to_dicts()
    return [helpers.label(k) for k in keys], scans
