"""What comes in: the export contract and its checks, the dialects exports are written in,
reading an export, a company's config and settings, review periods, and the history store."""
