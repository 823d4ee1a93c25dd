import datajoint as dj
from datajoint import Schema as schema, Diagram as E, VirtualModule as create_virtual_module
import hashlib

lab = dj.Schema("lab")
other = schema("other")
vm = dj.VirtualModule("lab", "lab")
vm2 = create_virtual_module("lab2", "lab2")
dj.Diagram(lab).draw()
d = dj.Diagram(lab) + E(lab)
conn = dj.conn()
h = hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()
