import os

import datajoint as dj

dj.config["database.host"] = "db"
dj.config["safemode"] = False
dj.config.update({"database.host": "db", "my.own.key": 1})

# a value spanning lines inside the dict is bracketed in the assignment
dj.config["database.password"] = (os.environ.get("DJ_PASS")
        or "x")
dj.config["database.user"] = "lab"
