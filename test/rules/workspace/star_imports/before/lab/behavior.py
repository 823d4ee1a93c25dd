"""Re-exports the shared tables (IBL's behavior.py: `from .behavior_shared import *`)."""
from .shared import *
