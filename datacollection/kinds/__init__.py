"""The kinds of collection (DMC, EMIS, B-OBEC) behind one small interface.

The round machinery (``datacollection.services``, ``datacollection.workflow``) knows nothing of columns
or records; it asks the round's kind.

Every kind (the upload pipeline, ``services.upload_process``, all or nothing):

- ``code`` → the ``Round.Kind`` value; ``form_edited`` → whether the school also edits the data in web
  forms (below); ``False`` for DMC;
- ``context(submission)`` → what the reader needs to know (school, grades offered, lookups …);
- ``read(fileobj, filename, context, max_bytes=…, max_rows=…)`` → a reader: iterating it yields
  ``(row number, record, issues)``; ``batches()`` yields the same rows in batches, what the pipeline
  uses: a batch has ``len()``, ``issues`` (sorted by row), and iterates as ``(row number, record)``
  pairs (``tabular.row_batches`` makes them for a reader that reads row by row; DMC's batches also hold
  the fields column by column, see ``dmc.DmcBatch``); it has ``table`` (format, encoding, headers),
  ``raw_keys``, ``file_issues`` and ``close()``; it raises ``tabular.FileError`` for a file that is not a
  readable table. A multi-sheet workbook puts the sheet name in each issue's ``column`` ("แผ่นงาน
  นักเรียน, คอลัมน์ ชาย");
- ``store(upload, batches)`` → write the records of the reader's ``batches`` in bulk, in the caller's
  transaction; returns the count;
- ``cross_checks(upload, reader)`` → the issues found across rows, by set-based queries over the
  records just stored (duplicates, the same student in another school …);
- ``discard_others(submission, keep)`` → delete the submission's records from other uploads, in bulk;
- ``on_accept(submission, *, actor)`` → what district staff's acceptance applies, in the workflow's
  transaction (nothing for DMC; EMIS writes the school's proposed changes to the school registry).

Upload-only kinds (DMC): the submission's records are those of its latest valid upload
(``submission.current_upload``), and ``submit`` requires one.

Form-edited kinds (``form_edited = True``: EMIS, B-OBEC) keep per-submission *draft data* in their own
models (rows with a ``submission`` foreign key), changed two ways:

- a web-form save, by the kind's own service, which in one transaction calls
  ``workflow.submission_mark_edited(submission, actor=…, section=…)`` first (the officer may edit now;
  not started → draft, returned → draft; history row "edited"), writes the rows and the audit entry;
- a template upload through the same pipeline: ``store`` replaces the submission's draft data with the
  file's (delete, then insert, in the pipeline's transaction: a rejected file leaves the draft as it was)
  and ``discard_others`` has nothing left to do. ``current_upload`` is then the last file that replaced
  the data (the forms may have changed it since).

and they add:

- ``validate(submission) -> list[Issue]`` → the issues of the submission's current data (the same
  ``Issue`` as a reader's, with the template's sheet, row and column, so a school can find the cell in
  the file as in the form). Any ``severity == "error"`` blocks ``workflow.submission_submit`` with a Thai
  message (``workflow.submission_blocking_issues``);
- ``template(submission) -> bytes`` → the XLSX template the school fills offline: prefilled with the
  submission's draft data, or when it has none, with the school's last ACCEPTED submission of the same
  kind; its sheets are what ``read`` reads back (the round trip is lossless);
- ``page_context(submission, user) -> dict`` → extra context of the submission page
  (``templates/datacollection/<code>/submission.html``): sections and their issues.

``get_kind(code)`` returns the kind of a round (``NotImplementedError`` for a kind without one yet).
"""

from datacollection.kinds.bobec_kind import BobecKind
from datacollection.kinds.dmc_kind import DmcKind
from datacollection.kinds.emis_kind import EmisKind

KINDS = {"dmc": DmcKind(), "emis": EmisKind(), "bobec": BobecKind()}


def get_kind(code: str):
    try:
        return KINDS[code]
    except KeyError:
        raise NotImplementedError(f"Collection kind {code!r} has no reader yet") from None
