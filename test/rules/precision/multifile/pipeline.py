import datajoint as dj

schema = dj.Schema("djfix_ephys")
lab = dj.VirtualModule("lab", "djfix_lab")


@schema
class Session(dj.Manual):
    definition = """
    -> lab.Subject
    session : int32
    ---
    rig : varchar(16)
    """


@schema
class Unit(dj.Imported):
    definition = """
    -> Session
    ---
    depth : float32
    """

    class Spike(dj.Part):
        definition = """
        -> master
        spike : int32
        """
