import datajoint as dj


class AuditedMixin:
    """Logs every delete."""

    def delete(self, **kwargs):
        print("deleting from", self.table_name)
        return super().delete(**kwargs)


class SubjectBase(AuditedMixin, dj.Manual):
    definition = """
    subject : varchar(16)
    ---
    weight : float32
    """
