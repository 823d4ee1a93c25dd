"""Not DataJoint code: a class with a `definition` attribute that is plain text."""


class Term:
    definition = "a word's meaning"


class Entry:
    definition = """
    A short text: what the entry says.
    See also: the index.
    """
