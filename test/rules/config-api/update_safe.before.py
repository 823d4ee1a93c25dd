import datajoint as dj

dj.config.update({"database.host": "db", "safemode": False})
dj.config.update({"database.host": "db", "my.own.key": 1})
