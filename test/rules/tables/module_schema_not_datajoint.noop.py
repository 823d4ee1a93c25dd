import datajoint as dj
import sqlalchemy as sa
from pipeline import experiment


class Holder:
    schema = None


holder = Holder()
holder.schema.drop(force=True)
holder.schema.jobs.delete()
sa.schema.drop(force=True)
experiment.schema.drop()
experiment.schema.jobs_table.delete()
