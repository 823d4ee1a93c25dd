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
    (Session & key).delete(safemode=False)
    Session.delete(transaction=False, safemode=None)
    (Session & key).delete(force_parts=True)
    Session().delete(force_parts=False, safemode=False)
    Session.delete(force_parts=really)
    Session.delete(force_parts=False, force_masters=False)
    Session.Note.delete(force=True)
    (Session.Note & key).delete(force=True)
    Session.Note.drop(force=True)
    Session.Note.drop(True)
    Session.Note.delete(force=really)
    schema.drop(force=True)
    schema.drop(
        force=False,
    )
    dj.Schema("old").drop(True)
    schema.spawn_missing_classes(context=locals())
    schema.spawn_missing_classes()
