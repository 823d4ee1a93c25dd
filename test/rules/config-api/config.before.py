# dj-migrate: unsafe
import datajoint as dj
from datajoint import config


def setup(host, settings):
    with dj.config(safemode=False, database__host=host):
        pass
    with config(display__limit=5) as c:
        pass
    dj.config.update({"database.host": host, "safemode": False})
    config.update(settings)
    if "database.user" in dj.config:
        pass
    if "loglevel" not in config:
        pass


class Runner:
    def run(self):
        dj.config.update(safemode=False, loglevel="INFO")


def configure_stores():
    # 0.14.6 had no `stores` key until one was set; 2.x always has one (empty)
    if not "stores" in dj.config:
        dj.config["stores"] = {"raw": {"protocol": "file", "location": "/data"}}
    elif "stores" in dj.config:
        pass
    has_stores = "stores" in dj.config
    if not "database.host" in dj.config:
        pass
    return has_stores or "stores" not in dj.config


def apply(settings, pairs):
    _key = "kept"  # the loop's names never overwrite the file's own
    dj.config.update(**settings)
    dj.config.update(zip(["safemode"], [False]))
    dj.config.update(*pairs)  # unknown shape: left for a person
    return _key
