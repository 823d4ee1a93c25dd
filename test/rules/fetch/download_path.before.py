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
            path = (self & key).fetch1("raw", download_path=where)  # one file
            return path
        return (self & key).fetch(
            "raw",
            download_path=where,
        )


def export(key, tmp):
	for k in Recording.fetch("KEY"):
		Recording.fetch1(download_path=tmp)
	rows = (Recording & key).fetch(as_dict=True, download_path=tmp)
	return rows


path = Recording.fetch1("raw", download_path="/data/" + "raw")
if path: path = Recording.fetch1("raw", download_path="/x")
both = (Recording.fetch1("raw", download_path="/a"), Recording.fetch1("raw", download_path="/b"))
