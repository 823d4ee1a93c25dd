import os
import datajoint as dj

dj.config["database.host"] = os.environ.get("DJ_HOST", "127.0.0.1")
dj.config["database.user"] = os.environ["DJ_USER"]
dj.config["safemode"] = False
dj.config["display.limit"] = 10
dj.config.load("dj_local_conf.json")
with dj.config.override(safemode=False):
    pass
if dj.config.get("database.password") is not None:
    pass
dj.config["stores"] = {
    "raw": {"protocol": "s3", "endpoint": "minio:9000", "bucket": "b", "location": "x", "secure": True},
    "local": dict(protocol="file", location="/data"),
}
dj.config["stores"]["extra"] = {"protocol": "s3", "endpoint": "e", "secure": False}
dj.config.save_template("datajoint.json")
settings = {"a": 1}
settings.update({"cache": None})
for k in settings:
    print(k in settings)
os.environ["MY_APP_CACHE"] = "1"
