"""nbconvert settings for the review's offline page, for `jupyter nbconvert --config`:

    jupyter nbconvert --config src/helpers/report/templates/nbconvert_offline.py \
        --to html out.ipynb

turns a notebook papermill executed (the review or a dossier) into the same offline page that
`customer-review run` writes: no code, no prompts, nothing loaded from outside, figures inline.
"""

from helpers.report.render import offline_config

c = get_config()  # noqa: F821 - given by the Jupyter config loader
c.merge(offline_config())
