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
