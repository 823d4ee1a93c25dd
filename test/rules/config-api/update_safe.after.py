import datajoint as dj

dj.config["database.host"] = "db"
dj.config["safemode"] = False
dj.config.update({"database.host": "db", "my.own.key": 1})
