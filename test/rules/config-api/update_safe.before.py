import os

import datajoint as dj

dj.config.update({"database.host": "db", "safemode": False})
dj.config.update({"database.host": "db", "my.own.key": 1})

# a value spanning lines inside the dict is bracketed in the assignment
dj.config.update(
    {
        "database.password": os.environ.get("DJ_PASS")
        or "x",
        "database.user": "lab",
    }
)
