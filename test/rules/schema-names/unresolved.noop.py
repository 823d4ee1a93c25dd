# dj-migrate: suffix=_v2
import datajoint as dj

schema = dj.Schema()


def activate(schema_name, create_schema=False):
    schema.activate(schema_name, create_schema=create_schema)


def names(db):
    return dj.Schema(get_name(db))


class Other:
    def activate(self, name):
        pass


Other().activate("lab")
