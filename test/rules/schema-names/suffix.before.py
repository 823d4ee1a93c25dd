# dj-migrate: suffix=_v2
import os
import datajoint as dj
from datajoint import Schema

prefix = os.environ.get("PREFIX", "")
lab = dj.Schema("lab")
ephys = Schema(f"{prefix}_ephys", locals())
analysis = dj.Schema(prefix + "_analysis")
imaging = dj.Schema(os.environ["DB_PREFIX"] + "imaging")
session = dj.Schema(prefix + name)
multi = dj.Schema("multi" "_part")
fmt = dj.Schema("{}_fmt".format(prefix))
pct = dj.Schema("%s_pct" % prefix)
ACQ_NAME = f"{prefix}acquisition"
acq = dj.Schema(schema_name=ACQ_NAME, create_tables=True)
later = dj.Schema()
later.activate("later", create_schema=True)
vm = dj.VirtualModule("vm", "lab")
vm2 = dj.VirtualModule("vm2", schema_name=f"{prefix}ephys")
vm3 = dj.virtual_schema("lab")
if f"{prefix}_lab" in dj.list_schemas():
    dj.Schema(f"{prefix}_lab").drop(prompt=False)
