import datajoint as dj
from datajoint import schema, ERD as E, create_virtual_module

lab = dj.schema("lab")
other = schema("other")
vm = dj.create_virtual_module("lab", "lab")
vm2 = create_virtual_module("lab2", "lab2")
dj.ERD(lab).draw()
d = dj.Di(lab) + E(lab)
conn = dj.conn.connection
h = dj.key_hash(key)
