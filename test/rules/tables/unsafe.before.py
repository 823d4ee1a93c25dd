# dj-migrate: unsafe
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Species(dj.Lookup):
    definition = """
    # animal species
    species : varchar(32)
    ---
    latin_name = '' : varchar(64)   # a comment: with a colon
    """
    contents = [("mouse", "Mus musculus"), ("rat", "Rattus norvegicus")]


@schema
class User(dj.Lookup):
    definition = """
    username : varchar(16)
    ---
    full_name : varchar(64)
    """
    contents = zip(["alice", "bob"], ["Alice A", "Bob B"])


@schema
class Subject(dj.Manual):
    definition = """
    subject_id : int64
    ---
    -> Species
    sex : enum('M', 'F')
    """


@schema
class Session(dj.Manual):
    definition = """
    -> Subject
    session_idx : int16
    ---
    -> [nullable] User.proj(experimenter='username')
    index (experimenter)
    start : datetime
    """

    class Note(dj.Part):
        definition = """
        -> master
        note_idx : int16
        ---
        note : varchar(255)
        """


def fill(key, rows):
    Subject.insert([(1, "mouse", "M"), (2, "rat", "F")])
    Subject.insert1((3, "mouse", "F"))
    Session.insert1([1, 0, "alice", "2024-01-01"])
    Session.Note.insert(
        (1, 0, i, f"note {i}")  # the row
        for i in range(3)
    )
    Subject.insert([(4, "mouse", "M"), (5, "rat")])
    Subject.insert([{"subject_id": 6, "species": "rat", "sex": "F"}, (7, "rat", "F")])
    (Session & key)._update("start", "2024-01-02")
    (Session & {"subject_id": 1, "session_idx": 0})._update("experimenter", None)
    (Subject & key).delete(force_masters=True, force_parts=True)


def load():
    species = [
        ("cat", "Felis catus"),
        ("dog", "Canis familiaris"),
    ]
    Species.insert(species)
    shared = [("owl", "Strix")]
    Species.insert(shared)
    print(shared)
    row = (8, "owl", "F")
    Subject.insert1(row)
