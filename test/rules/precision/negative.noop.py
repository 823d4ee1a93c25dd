# Look-alikes of DataJoint calls in a file that does use DataJoint: none of these may be flagged.
import functools
import sqlite3

import datajoint as dj
import numpy as np
import pandas as pd
import requests

schema = dj.Schema("lab")


@schema
class Subject(dj.Manual):
    definition = """
    subject : varchar(16)
    """


class Session:
    """Not a table: no schema decorator, no DataJoint base class."""

    def fetch(self, *args, as_dict=False):
        return []


class Glossary:
    """Not a table: its `definition` is prose, not a table definition."""

    definition = "lookup : a table of fixed rows, see {chapter}"


INTRO = "Welcome : int unsigned values are explained below\n"
LEGEND = f"{INTRO}longblob : a large binary object"


def glossary_text():
    return Glossary.definition


@functools.lru_cache(maxsize=None)
def cached(x):
    return x


def lookalikes(url, flags, mask):
    page = requests.get(url).fetch()
    rows = requests.get(url).json()
    a = np.ones((3, 3))
    b = np.eye(3)
    product = a @ b
    product @= b
    bits = flags ^ mask
    toggled = 0b1010 ^ 0b0110
    df = pd.DataFrame({"x": [1, 2, 3]})
    head = df.head(5)
    tail = df.tail(2)
    stats = df.aggregate("mean")
    merged = df.join(df, lsuffix="_l")
    sessions = Session().fetch()
    also = Session.fetch(Session())
    cursor = sqlite3.connect(":memory:").cursor()
    got = cursor.fetch()
    d = {"a": 1}
    names = d.keys()
    return page, rows, product, bits, toggled, head, tail, stats, merged, sessions, also, got, names
