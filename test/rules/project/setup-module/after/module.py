"""Not a packaging file: a module that happens to define its own setup()."""
import datajoint as dj

REQUIRES = ["datajoint==0.14.6"]


def setup(**kw):
    return kw


def keys(q):
    return q.keys()


setup(install_requires=REQUIRES)
