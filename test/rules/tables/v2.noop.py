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


@schema
class Kind(dj.Lookup):
    definition = """
    kind : varchar(16)
    """
    contents = [{"kind": "a"}, {"kind": "b"}]


def clean(key, rows):
    (Session & key).delete(prompt=False)
    Session.delete(transaction=False)
    (Session.Note & key).delete(part_integrity="ignore")
    Session.Note.drop(part_integrity="ignore")
    Session.drop()
    Session.drop_quick()
    Session.delete_quick(get_count=True)
    schema.drop(prompt=False)
    schema.make_classes(into=locals())
    Session.update1({**key, "notes": "x"})
    Session.insert(rows, skip_duplicates=True, ignore_extra_fields=True)
    Session.insert1({"session_id": 1, "notes": "n"})
    Session.insert([{"session_id": 2, "notes": "n"}])
    Session.insert(Session.proj(), allow_direct_insert=True)
    schema.activate("lab", create_schema=True)
