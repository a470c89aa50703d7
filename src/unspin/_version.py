"""The version of unspin, part of every restoration signature."""

__version__ = "0.1.0"
