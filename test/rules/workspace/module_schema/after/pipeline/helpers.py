schema = "lab_sql_dumps"


def drop(force=False):
    return force
