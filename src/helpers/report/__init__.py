"""What goes out: the review in words, tables and charts, ``customer_scores.csv`` and the
outcome a run records, the offline page (papermill and nbconvert) and the index of reports."""
