import datajoint as dj
import datajoint

pk_hash = dj.hash.key_hash({"a": 1})
job_hash = dj.jobs.key_hash(key)
name = "/tmp/" + datajoint.hash.key_hash(key) + ".npy"
