import os
import configparser

config = configparser.ConfigParser()
config["custom"] = {}
config.update({"fetch_format": "frame"})
print("cache" in config, dict(config))
with open("x") as f:
    pass
os.environ["DJ_AWS_ACCESS_KEY"] = "not a datajoint variable"
