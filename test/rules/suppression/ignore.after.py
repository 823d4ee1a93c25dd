# dj-migrate: suffix=_v2
import datajoint as dj

lab = dj.Schema("lab_v2")
shared = dj.VirtualModule("shared", "other_team_db")  # dj-migrate: ignore[DJ130]
old = dj.create_virtual_module("old", "legacy")  # dj-migrate: ignore
