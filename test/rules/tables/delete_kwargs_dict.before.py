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
        kwargs["force_masters"] = True
        kwargs['safemode'] = False
        super().delete(*args, **kwargs)


opts = {"safemode": False, "transaction": True}
(Session & "session_id=1").delete(**opts)
parts = dict(force_parts=True)
Session.delete(**parts)
cleanup = {}
cleanup.update(force_parts=flag)
(Session & "session_id=3").delete(**cleanup)
(Session & "session_id=4").delete(**{"safemode": False})
