import datajoint as dj
from pipeline import experiment, helpers

(experiment.schema.jobs & 'status="error"').delete()
experiment.schema.drop(prompt=False)
experiment.schema.external["store"].delete(delete_external_files=True)
helpers.schema.drop(force=True)
