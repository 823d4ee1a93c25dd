import datajoint as dj

schema = dj.Schema("ephys")


@schema
class Recording(dj.Manual):
    definition = """
    recording : int32
    ---
    raw : attach@raw
    """

    def files(self, key, where):
        if key:
            with dj.config.override(download_path=where):
                path = (self & key).fetch1("raw")  # one file
            return path
        with dj.config.override(download_path=where):
            return (self & key).fetch(
                "raw",
            )


def export(key, tmp):
	for k in Recording.keys():
		with dj.config.override(download_path=tmp):
			Recording.fetch1()
	with dj.config.override(download_path=tmp):
		rows = (Recording & key).to_dicts()
	return rows


with dj.config.override(download_path="/data/" + "raw"):
    path = Recording.fetch1("raw")
if path: path = Recording.fetch1("raw", download_path="/x")
both = (Recording.fetch1("raw", download_path="/a"), Recording.fetch1("raw", download_path="/b"))
