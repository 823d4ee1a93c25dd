"""Table mixins (sinzlab/mei's mixins.py): no datajoint import here, the tables are declared in main.py."""
from typing import Any, Dict


class MEIMethodMixin:
    definition = """
    # contains methods for generating MEIs and their configurations.
    method_fn                           : varchar(64)   # name of the method function
    method_hash                         : varchar(32)   # hash of the method config
    ---
    method_config                       : <blob>      # method configuration object
    method_ts       = CURRENT_TIMESTAMP : timestamp     # UTZ timestamp at time of insertion
    """

    def add_method(self, method_fn: str, method_config: Dict[str, Any]) -> None:
        self.insert1(dict(method_fn=method_fn, method_config=method_config))


class MEISeedMixin:
    definition = """
    # contains seeds used to make the MEI generation process reproducible
    mei_seed    : int64  # MEI seed
    """
