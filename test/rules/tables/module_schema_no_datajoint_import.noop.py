from pipeline import experiment

experiment.schema.drop(force=True)
(experiment.schema.jobs & 'status="error"').delete()
