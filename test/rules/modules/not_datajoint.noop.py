import numpy as np
import requests


class schema:
    pass


def key_hash(d):
    return str(d)


r = requests.get("http://example.org").json()
a = np.ones(3) @ np.ones(3)
x = 5 ^ 3
schema()
key_hash({})
