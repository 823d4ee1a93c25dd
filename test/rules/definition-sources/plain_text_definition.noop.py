# dj-migrate: phase=1
"""Not DataJoint code: classes whose `definition` attribute is plain text stay untouched and unreported."""


class Term:
    definition = "a word's meaning"


class Meeting:
    definition = """
    note: date of the meeting
    """


class Entry:
    @property
    def definition(self):
        return """
        A short text: what the entry says.
        ---
        See also: the index.
        """
