# dj-migrate: phase=1
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Person(dj.Lookup):
    definition = """
    name : VARCHAR(32)
    ---
    code : CHAR (4)
    sex : ENUM('M', 'F', 'U')
    born : DATE
    seen : DATETIME(3)
    tags = null : JSON
    token : UUID
    active : BOOL
    moment = CURRENT_TIMESTAMP : TIMESTAMP   # native: case does not matter
    n : INT32
    """
