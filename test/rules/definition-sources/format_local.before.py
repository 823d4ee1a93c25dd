# dj-migrate: phase=1
import datajoint as dj


class TrainedModelBase(dj.Computed):
    """A template (nnfabrik's trained_model.py): the definition is built in a local, formatted, then returned."""

    table_comment = "trained models"

    @property
    def definition(self):
        definition = """
        # {table_comment}
        -> self().model_table
        ---
        score:     float
        output:    longblob
        """.format(table_comment=self.table_comment)
        return definition


class ScoredBase(dj.Computed):
    @property
    def definition(self):
        head = ("""
        -> self().model_table
        ---
        n_epochs : smallint
        """).format()
        return head
