# dj-migrate: unsafe
import datajoint as dj
from pipeline import experiment
import pipeline.ephys as ephys

(experiment.schema.jobs & 'status="error"').delete()
experiment.schema.drop(force=True)
experiment.schema.external["store"].delete(delete_external_files=True)
ephys.schema.drop(force=False)
