import datajoint as dj

from core.bases import AuditedMixin
from core.middle import LabSubject

schema = dj.Schema("lab")


@schema
class Subject(LabSubject):
    pass


@schema
class Note(AuditedMixin, dj.Manual):
    definition = """
    -> Subject
    note_idx : int16
    ---
    text : varchar(255)
    """


def subjects():
    return Subject.to_dicts(), LabSubject.keys()


def clear(subject):
    (Note & subject).delete(safemode=False)
    (Subject & subject).delete(safemode=False)
