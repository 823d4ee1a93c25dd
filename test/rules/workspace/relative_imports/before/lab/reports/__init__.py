from .summary import Summary

__all__ = ["Summary"]
