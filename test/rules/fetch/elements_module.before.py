import types

import datajoint as dj

schema = dj.Schema()
_linking_module = None


def activate(ephys_schema_name, *, create_schema=True, linking_module=None):
    global _linking_module
    _linking_module = linking_module
    schema.activate(ephys_schema_name, create_schema=create_schema, add_objects=linking_module.__dict__)
    return linking_module.Session.fetch("KEY")


def sessions_of(subject):
    return (_linking_module.Session & subject).fetch(as_dict=True)


def report(ephys: types.ModuleType, key):
    units = (ephys.Unit & key).fetch("KEY")
    return units, ephys.make_report(key)


def unrelated(module_list):
    return module_list.Session.fetch(as_dict=True)
