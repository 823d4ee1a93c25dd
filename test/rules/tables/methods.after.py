import datajoint as dj

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session_id : int32
    ---
    notes : varchar(255)
    """

    class Note(dj.Part):
        definition = """
        -> master
        note_idx : int16
        """


def clean(key, really):
    (Session & key).delete(prompt=False)
    Session.delete(transaction=False, prompt=None)
    (Session & key).delete(part_integrity="ignore")
    Session().delete(prompt=False)
    Session.delete(part_integrity="ignore" if really else "enforce")
    Session.delete()
    Session.Note.delete(part_integrity="ignore")
    (Session.Note & key).delete(part_integrity="ignore")
    Session.Note.drop(part_integrity="ignore")
    Session.Note.drop(part_integrity="ignore")
    Session.Note.delete(part_integrity="ignore" if really else "enforce")
    schema.drop(prompt=False)
    schema.drop(
    )
    dj.Schema("old").drop(prompt=False)
    schema.make_classes(into=locals())
    schema.make_classes()
