import datajoint as dj
import datajoint
import hashlib

pk_hash = hashlib.md5("".join(str(v) for _, v in sorted(({"a": 1}).items())).encode()).hexdigest()
job_hash = hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()
name = "/tmp/" + hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest() + ".npy"
