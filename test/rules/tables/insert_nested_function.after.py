# dj-migrate: unsafe
# A function nested in a method reads the method's `cls` / `self`: the table's own part, so its rows get names.
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Model(dj.Manual):
    definition = """
    model_name : varchar(64)
    """

    class BodyPart(dj.Part):
        definition = """
        -> master
        body_part : varchar(32)
        """

    @classmethod
    def add(cls, name, parts):
        def insert_parts():
            cls.BodyPart.insert1({"model_name": name, "body_part": parts[0]})

        insert_parts()

    def add_one(self, name):
        def insert_model():
            self.insert1({"model_name": name})

        insert_model()
