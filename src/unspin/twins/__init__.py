"""Finding the original of a spun copy and restoring the copy from it.

One stage a module, read top-down: read -> fingerprint -> candidates -> verify by
alignment -> choose -> restore; the reference index persists fingerprints and texts
behind one storage protocol (an SQLite file by default, PostgreSQL by URL).
"""
