import datajoint as dj

schema = dj.Schema("lab_bom")  # café
