from .bases import SubjectBase


class LabSubject(SubjectBase):
    """Declared by the pipeline module's schema."""
