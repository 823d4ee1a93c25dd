# dj-migrate: unsafe
import datajoint as dj
from datajoint import config


def setup(host, settings):
    with dj.config.override(safemode=False, database__host=host):
        pass
    with config.override(display__limit=5) as c:
        pass
    dj.config["database.host"] = host
    dj.config["safemode"] = False
    for _key2, _value in dict(settings).items():
        config[_key2] = _value
    if dj.config.get("database.user") is not None:
        pass
    if config.get("loglevel") is None:
        pass


class Runner:
    def run(self):
        dj.config["safemode"] = False
        dj.config["loglevel"] = "INFO"


def configure_stores():
    # 0.14.6 had no `stores` key until one was set; 2.x always has one (empty)
    if not dj.config.get("stores"):
        dj.config["stores"] = {"raw": {"protocol": "file", "location": "/data"}}
    elif dj.config.get("stores"):
        pass
    has_stores = bool(dj.config.get("stores"))
    if dj.config.get("database.host") is None:
        pass
    return has_stores or not dj.config.get("stores")


def apply(settings, pairs):
    _key = "kept"  # the loop's names never overwrite the file's own
    for _key2, _value in settings.items():
        dj.config[_key2] = _value
    for _key2, _value in dict(zip(["safemode"], [False])).items():
        dj.config[_key2] = _value
    dj.config.update(*pairs)  # unknown shape: left for a person
    return _key
