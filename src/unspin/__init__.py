"""unspin: restore spun text.

>>> from unspin import restore
>>> restore("Clean text stays as it is.")
'Clean text stays as it is.'
"""
