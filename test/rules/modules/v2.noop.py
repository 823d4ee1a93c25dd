import datajoint as dj
from datajoint import Schema, Diagram, VirtualModule

lab = dj.Schema("lab")
vm = dj.VirtualModule("lab", "lab")
dj.Diagram(lab).draw()
conn = dj.conn()
try:
    make_vm = dj.VirtualModule
except AttributeError:
    make_vm = dj.create_virtual_module
