# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Person(dj.Lookup):
    definition = """
    name : varchar(32)
    ---
    code : char(4)
    sex : enum('M', 'F', 'U')
    born : date
    seen : datetime(3)
    tags = null : json
    token : uuid
    active : bool
    moment = CURRENT_TIMESTAMP : TIMESTAMP   # native: case does not matter
    n : int32
    """
