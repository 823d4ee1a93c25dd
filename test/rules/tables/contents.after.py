# dj-migrate: unsafe
import datajoint as dj

schema = dj.Schema("lab")
METHODS = ["a", "b"]


@schema
class Method(dj.Lookup):
    definition = """
    method : varchar(16)
    ---
    rank : int16
    """
    contents = [
        {"method": "kilosort", "rank": 1},
        {"method": "mountainsort", "rank": 2},
    ]


@schema
class Grade(dj.Lookup):
    definition = """
    grade : varchar(4)
    """
    contents = [{"grade": g} for g in ("A", "B")]


@schema
class Shape(dj.Lookup):
    definition = """
    -> Method
    shape : varchar(8)
    """
    contents = zip(METHODS, ["round", "square"])
