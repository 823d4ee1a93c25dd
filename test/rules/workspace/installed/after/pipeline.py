import datajoint as dj
from element_demo import mixins
from element_demo.subject import Subject
from other_tool import Session

schema = dj.Schema("mylab")


@schema
class Cage(mixins.CachedFetch, dj.Manual):
    definition = """
    cage : int64
    ---
    -> Subject
    """


def listing():
    return Subject.keys(), Cage.fetch(as_dict=True), Session().fetch(as_dict=False)
