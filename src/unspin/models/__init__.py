"""The models restoring rests on: the language model (and its training), the unigram
fallback, the thesaurus (and its build), the mapping-table format and the decision model."""
