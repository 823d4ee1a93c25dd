# dj-migrate: unsafe
# Receivers the index cannot resolve (a function parameter): only calls that can only be DataJoint's are
# reported, as hints with an unsafe fix; a bare `q.fetch()` or `q.fetch("a")` is left alone.
import datajoint as dj


def keys_of(q):
    return q.fetch("KEY")


def rows_of(q):
    return q.fetch(as_dict=True, order_by="KEY")


def frame_of(q):
    return q.fetch(format="frame")


def ambiguous(q, cursor):
    everything = q.fetch()
    some = q.fetch("a")
    first = q.head(5)
    rows = cursor.fetch()
    return everything, some, first, rows
