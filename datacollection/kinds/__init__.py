"""The kinds of collection (DMC, EMIS, B-OBEC) behind one small interface.

The round machinery (``datacollection.services``) knows nothing of columns or records; it asks the
round's kind to:

- ``context(submission)`` → what the reader needs to know (school, grades offered, lookups …);
- ``read(fileobj, filename, context, max_bytes=…, max_rows=…)`` → a reader: iterating it yields
  ``(row number, record, issues)``; it has ``table`` (format, encoding, headers), ``file_issues`` and
  ``close()``; it raises ``tabular.FileError`` for a file that is not a readable table;
- ``store(upload, rows)`` → write the records of ``rows`` (an iterable of records) in bulk, in the
  caller's transaction; returns the count;
- ``cross_checks(upload, reader)`` → the issues found across rows, by set-based queries over the
  records just stored (duplicates, the same student in another school …);
- ``discard_others(submission, keep)`` → delete the submission's records from other uploads, in bulk.
"""

from datacollection.kinds.bobec_kind import BobecKind
from datacollection.kinds.dmc_kind import DmcKind

KINDS = {"dmc": DmcKind(), "bobec": BobecKind()}


def get_kind(code: str):
    try:
        return KINDS[code]
    except KeyError:
        raise NotImplementedError(f"Collection kind {code!r} has no reader yet") from None
