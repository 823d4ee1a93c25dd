import datajoint as dj
import element_rawdata as er
from element_rawdata import ephys
from element_rawdata.ephys import Probe, Recording as Rec

schema = dj.Schema("mylab")


def raw(key):
    return (ephys.Recording & key).fetch("raw")


def probes():
    return Probe.keys(), Rec.fetch1("timestamps"), er.__doc__
