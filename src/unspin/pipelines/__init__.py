"""unspin as a pre-processing step: JSONL streams, a Scrapy item pipeline, Dask bags.

Each framework's part imports it lazily: ``pip install 'unspin[scrapy]'`` or
``'unspin[distributed]'`` brings what it needs.
"""

from __future__ import annotations

from ..errors import RecordError
from ..restore.estimate import spin_score
from .dask_frames import restore_bag, restore_dataframe
from .scrapy_items import UnspinPipeline
from .streaming import restore_jsonl_text, restore_records

__all__ = [
    "spin_score",
    "restore_records",
    "restore_jsonl_text",
    "RecordError",
    "UnspinPipeline",
    "restore_bag",
    "restore_dataframe",
]
