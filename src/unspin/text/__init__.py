"""Text as unspin sees it: lossless tokens and case transfer, articles, inflection,
and reading piles of documents. Nothing here knows about spinning."""
