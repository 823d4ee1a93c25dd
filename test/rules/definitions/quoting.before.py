# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Tricky(dj.Manual):
    definition = """
    # table comment: int, longblob -> not types
    -> Subject                          # parent: longblob
    -> [nullable] User.proj(experimenter='username')
    key : int                           # a comment: with colon
    ---
    url = "http://x:80/#frag" : varchar(255)   # default with ':' and '#'
    ratio = '1:2' : varchar(8)          # quoted colon
    label = "-> not a key" : varchar(32)
    choice = 'a#b' : enum('a#b', 'c:d') # enum values with # and :
    payload : longblob                  # int : longblob # in a comment
    index (url)
    unique index (ratio)                # trailing comment
    """
