import hashlib

h = hashlib.md5("".join(str(v) for _, v in sorted(key.items())).encode()).hexdigest()
