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
    for _key, _value in settings.items():
        config[_key] = _value
    if dj.config.get("database.user") is not None:
        pass
    if config.get("loglevel") is None:
        pass


class Runner:
    def run(self):
        dj.config["safemode"] = False
        dj.config["loglevel"] = "INFO"
