import datajoint as dj

populate_settings = {"display_progress": True, "reserve_jobs": True}


def run(table):
    table.populate(**populate_settings)
