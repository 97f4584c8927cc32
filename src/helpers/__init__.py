"""Customer review workbook helpers, in four layers; each imports only the layers below it.

- ``helpers.io``: what comes in. The export contract and its checks, the dialects exports are
  written in, reading an export, a company's config and settings, review periods, and the
  history store.
- ``helpers.review``: the review model. Measures, the checklist and bands, strikes, exits, data
  quality and the portfolio's figures, one customer's dossier. No I/O, no words.
- ``helpers.report``: what goes out. Words, tables and charts, ``customer_scores.csv``, the
  offline page (papermill and nbconvert) and the index of every report.
- ``helpers.app``: what the notebooks call, the run pipeline and the command line.

``helpers.errors`` is beneath them all: the one family of errors they raise.
"""

import sys

# jsonschema (under nbformat, which the command line, the review's kernel and the dossiers
# import) imports rfc3987_syntax when it is installed (JupyterLab's jupyter-events brings it),
# and that module compiles Earley grammars at import: 2.7 s of every process on the machine
# of "Speed and size" (python-jsonschema/jsonschema#1428). Notebook validation never checks
# IRI formats, so a process that imports the helpers first does without it: jsonschema treats
# it as not installed. A process that imported jsonschema already (JupyterLab) keeps it.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
