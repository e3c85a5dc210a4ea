"""Reading sources: decode files, read tables, HTML pages and WARC archives, join metadata."""
