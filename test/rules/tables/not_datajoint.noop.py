import datajoint as dj
import requests
import pandas as pd

items = []
items.insert(0, (1, "a"))
requests.delete("https://x", force=True)
df = pd.DataFrame()
df.drop(columns=["a"])
df.insert(0, "col", (1, 2))


class Session:
    contents = [(1, "a")]

    def delete(self, safemode=False):
        pass

    def drop(self, force=True):
        pass


s = Session()
s.delete()
s.drop(force=True)
s.size_on_disk
cursor = object()
cursor.external
