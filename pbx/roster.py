"""Read the roster file that names the agents of each queue."""

import csv

COLUMNS = ("queue", "agent", "name")


def load_roster_csv(path):
    """Return {queue: [(agent, name), ...]} from a CSV with header queue,agent,name."""
    roster = {}
    seen = set()
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        _check_header(path, next(reader, None))
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            queue, agent, name = _read_row(path, reader.line_num, row)
            if (queue, agent) in seen:
                raise _bad(
                    path,
                    reader.line_num,
                    f"agent {agent} is listed twice for queue {queue}",
                )
            seen.add((queue, agent))
            roster.setdefault(queue, []).append((agent, name))
    return roster


def _check_header(path, header):
    """Refuse a file whose first line is not the expected header."""
    found = tuple(cell.strip().lower() for cell in header or ())
    if found != COLUMNS:
        shown = ",".join(found) or "nothing"
        raise _bad(
            path,
            1,
            f"the header must be {','.join(COLUMNS)}, found {shown}",
        )


def _read_row(path, line, row):
    """Return (queue, agent, name) from one row, or raise naming the line."""
    if len(row) != len(COLUMNS):
        raise _bad(
            path, line, f"expected 3 values (queue,agent,name), found {len(row)}"
        )
    queue, agent, name = (cell.strip() for cell in row)
    for column, value in (("queue", queue), ("agent", agent)):
        if not (value.isascii() and value.isdigit()):
            raise _bad(path, line, f"{column} must be a number, found {value!r}")
    return queue, agent, name


def _bad(path, line, problem):
    """Build the error for a bad roster line."""
    return ValueError(f"Roster file {path}, line {line}: {problem}.")
