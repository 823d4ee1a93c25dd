# vim: set fileencoding=cp1252 :
"""Costs in € and “quotes”."""
import datajoint as dj

schema = dj.schema("lab_costs")  # € per session
