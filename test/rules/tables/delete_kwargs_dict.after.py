# dj-migrate: unsafe
import datajoint as dj

schema = dj.Schema("lab")


@schema
class Session(dj.Manual):
    definition = """
    session_id : int32
    """


@schema
class Scan(dj.Manual):
    definition = """
    -> Session
    scan_id : int16
    """

    def delete(self, *args, **kwargs):
        kwargs["part_integrity"] = "cascade"
        kwargs['prompt'] = False
        super().delete(*args, **kwargs)


opts = {"prompt": False, "transaction": True}
(Session & "session_id=1").delete(**opts)
parts = dict(part_integrity="ignore")
Session.delete(**parts)
cleanup = {}
cleanup.update(part_integrity="ignore" if flag else "enforce")
(Session & "session_id=3").delete(**cleanup)
(Session & "session_id=4").delete(**{"prompt": False})
