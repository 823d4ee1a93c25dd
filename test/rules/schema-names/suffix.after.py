# dj-migrate: suffix=_v2
import os
import datajoint as dj
from datajoint import Schema

prefix = os.environ.get("PREFIX", "")
lab = dj.Schema("lab_v2")
ephys = Schema(f"{prefix}_ephys_v2", locals())
analysis = dj.Schema(prefix + "_analysis_v2")
imaging = dj.Schema(os.environ["DB_PREFIX"] + "imaging_v2")
session = dj.Schema(prefix + name + "_v2")
multi = dj.Schema("multi" "_part_v2")
fmt = dj.Schema("{}_fmt_v2".format(prefix))
pct = dj.Schema("%s_pct_v2" % prefix)
ACQ_NAME = f"{prefix}acquisition_v2"
acq = dj.Schema(schema_name=ACQ_NAME, create_tables=True)
later = dj.Schema()
later.activate("later_v2", create_schema=True)
vm = dj.VirtualModule("vm", "lab_v2")
vm2 = dj.VirtualModule("vm2", schema_name=f"{prefix}ephys_v2")
vm3 = dj.virtual_schema("lab_v2")
if f"{prefix}_lab_v2" in dj.list_schemas():
    dj.Schema(f"{prefix}_lab_v2").drop(prompt=False)
