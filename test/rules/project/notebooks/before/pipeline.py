import datajoint as dj

schema = dj.schema("lab_tree")
