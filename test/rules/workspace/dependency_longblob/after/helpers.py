import element_rawdata.ephys


def activate(name):
    element_rawdata.ephys.activate(name)
