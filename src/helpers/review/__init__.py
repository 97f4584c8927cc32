"""The review model: measures, the checklist and bands, strikes, exits, data quality, the
portfolio's figures and one customer's dossier. It reads and writes nothing, and names what it
finds by code; the report puts it into words."""
