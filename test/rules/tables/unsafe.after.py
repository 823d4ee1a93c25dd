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
    contents = [{"species": "mouse", "latin_name": "Mus musculus"}, {"species": "rat", "latin_name": "Rattus norvegicus"}]


@schema
class User(dj.Lookup):
    definition = """
    username : varchar(16)
    ---
    full_name : varchar(64)
    """
    contents = [{"username": "alice", "full_name": "Alice A"}, {"username": "bob", "full_name": "Bob B"}]


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
    Subject.insert([{"subject_id": 1, "species": "mouse", "sex": "M"}, {"subject_id": 2, "species": "rat", "sex": "F"}])
    Subject.insert1({"subject_id": 3, "species": "mouse", "sex": "F"})
    Session.insert1({"subject_id": 1, "session_idx": 0, "experimenter": "alice", "start": "2024-01-01"})
    Session.Note.insert(
        {"subject_id": 1, "session_idx": 0, "note_idx": i, "note": f"note {i}"}  # the row
        for i in range(3)
    )
    Subject.insert([{"subject_id": 4, "species": "mouse", "sex": "M"}, (5, "rat")])
    Subject.insert([{"subject_id": 6, "species": "rat", "sex": "F"}, {"subject_id": 7, "species": "rat", "sex": "F"}])
    Session.update1({**key, "start": "2024-01-02"})
    Session.update1({"subject_id": 1, "session_idx": 0, "experimenter": None})
    (Subject & key).delete(part_integrity="cascade")


def load():
    species = [
        {"species": "cat", "latin_name": "Felis catus"},
        {"species": "dog", "latin_name": "Canis familiaris"},
    ]
    Species.insert(species)
    shared = [("owl", "Strix")]
    Species.insert(shared)
    print(shared)
    row = {"subject_id": 8, "species": "owl", "sex": "F"}
    Subject.insert1(row)
