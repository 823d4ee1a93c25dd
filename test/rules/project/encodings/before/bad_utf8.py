import datajoint as dj

schema = dj.schema("lab_bad")  # café written by a latin-1 editor, no coding cookie
