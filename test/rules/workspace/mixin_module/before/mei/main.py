import datajoint as dj

from . import mixins

schema = dj.schema("mei")


@schema
class MEIMethod(mixins.MEIMethodMixin, dj.Lookup):
    seed_table = None


@schema
class MEISeed(mixins.MEISeedMixin, dj.Lookup):
    """Seed table for MEI method."""
