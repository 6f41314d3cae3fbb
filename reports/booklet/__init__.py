"""The annual information booklet (PDF): ``sources`` reads a publication, ``content`` assembles the
tables, ``render`` lays it out with WeasyPrint (``textlayer`` fixes its Thai text layer), ``services``
queue and build versions (``reports.tasks.booklet_build``), ``views`` serve the staff and public pages."""
