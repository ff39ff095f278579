"""Reports: metrics read from the marts, rendered as a self-contained HTML report and a Markdown summary."""
