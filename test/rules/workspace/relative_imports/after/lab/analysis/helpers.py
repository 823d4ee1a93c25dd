def label(key):
    return "-".join(str(v) for v in key.values())
