"""How a .sql file splits into statements."""

from __future__ import annotations

from warehouse.sql import statements


def test_statements_end_at_a_line_ending_in_a_semicolon_never_inside_a_comment():
    text = (
        "-- a file's header;\n"
        "CREATE TABLE a AS\n"
        "SELECT 1 AS x,  -- why, with a pause;\n"
        "       2 AS y;\n"
        "\n"
        "-- only a comment here;\n"
        "INSERT INTO a VALUES ('x -- y;', 4);  \n"
        "-- trailing prose\n"
    )
    assert statements(text) == [
        "-- a file's header;\nCREATE TABLE a AS\nSELECT 1 AS x,  -- why, with a pause;\n       2 AS y",
        "-- only a comment here;\nINSERT INTO a VALUES ('x -- y;', 4)",
    ]
