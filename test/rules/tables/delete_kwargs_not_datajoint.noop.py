import datajoint as dj
import requests

schema = dj.Schema("lab")


class Cache:
    def delete(self, **kwargs):
        return kwargs


opts = {"safemode": False, "force_masters": True}
Cache().delete(**opts)
requests.Session().delete("http://example.org", **opts)
settings = {}
settings["force_parts"] = True
Cache().delete(**settings)
