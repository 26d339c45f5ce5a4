"""The class roster, and which student each submitted file belongs to (`make grade ROSTER=`).

The roster is a CSV file with a header row. Its columns are found by their names, whatever
their case, spacing or punctuation:

* the student's ID, which the grades CSV reports: the first present of ``id``,
  ``student id``, ``sis user id``, ``identifier``, ``id number``, ``username``, ``login``,
  ``sis login id``, ``email``, ``email address``;
* the name: ``name``, ``student``, ``full name``, ``student name`` or ``sortable name``, or
  ``first name`` with ``last name`` (or ``surname``).

Every other column among the ID columns above is an alias used for matching. So the plain
``id,name,email`` works, and so do the exports of the learning management systems: Canvas's
gradebook (``Student,ID,SIS User ID,SIS Login ID,Section,...``: the ID is Canvas's user ID,
the number in its download's file names; the row "Points Possible" is skipped), and Moodle's
grading worksheet (``Identifier,Full name,Email address,...``, with identifiers such as
"Participant 1042", the number in its download's folder names).

A submitted file is matched to a roster row by the first of these that gives exactly one row:

1. a component of its path in the pattern of a bulk download, with the student's number and
   name in it:

   * Canvas: ``lastnamefirstname_12345_67890_original-name.ipynb``, or with ``late``
     (``lastnamefirstname_late_12345_67890_...``): the user ID 12345, then the name;
   * Moodle: a folder ``Full Name_12345_assignsubmission_file_/original.ipynb``, or a file
     ``Full Name_12345_assignsubmission_file_original.ipynb``: the participant number 12345,
     then the name;

2. otherwise a folder of its path, or its file name without the suffix, equal to an ID or
   alias (``12345.ipynb``, ``jneyman/hw1.ipynb``), or to the student's name written with or
   without spaces and punctuation, in either order (``Jerzy Neyman.ipynb``,
   ``neyman_jerzy.ipynb``).

A file that matches no row, or several, is unmatched: it is still graded, and reported.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

#: The columns that hold the student's ID (the first present) or an alias of it.
ID_COLUMNS = (
    "id",
    "studentid",
    "sisuserid",
    "identifier",
    "idnumber",
    "username",
    "login",
    "sisloginid",
    "email",
    "emailaddress",
)
NAME_COLUMNS = ("name", "student", "fullname", "studentname", "sortablename")
FIRST_NAME_COLUMNS = ("firstname", "givenname")
LAST_NAME_COLUMNS = ("lastname", "surname", "familyname")

CANVAS = re.compile(
    r"^(?P<name>[^_]+?)_(?:late_)?(?P<number>\d+)_(?P<attachment>\d+)_(?P<original>.+)$",
    flags=re.I,
)
MOODLE = re.compile(
    r"^(?P<name>.+?)_(?P<number>\d+)_assignsubmission_(?:file|onlinetext)_(?P<original>.*)$"
)


class RosterError(ValueError):
    """The roster file cannot be read (no ID column, no name column, a duplicate ID)."""


def _key(text: str) -> str:
    """Lower case, accents removed, letters and digits only: how names are compared."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.lower() if c.isalnum() and not unicodedata.combining(c))


def _aliases(value: str) -> set[str]:
    value = value.strip()
    found = {value.lower()} if value else set()
    if "@" in value:
        found.add(value.split("@", 1)[0].lower())
    digits = re.fullmatch(r"(?:[^\d\s]+\s+)?(\d+)", value)  # "Participant 1042" -> 1042
    if digits:
        found.add(digits.group(1).lstrip("0") or "0")
    return found


@dataclass
class Student:
    """A row of the roster: the ID the grades report, the name, and the keys that identify
    the student in file names (the IDs and aliases, the name in either order)."""

    id: str
    name: str
    aliases: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


@dataclass
class Match:
    """Which student a submitted file belongs to (`student` is None when unmatched), and
    why not when it is unmatched."""

    path: str
    student: Student | None
    note: str = ""


def _name_keys(name: str, first: str = "", last: str = "") -> set[str]:
    keys = set()
    if first or last:
        keys |= {_key(first + last), _key(last + first)}
    if name:
        keys.add(_key(name))
        if "," in name:  # "Neyman, Jerzy"
            last_part, first_part = name.split(",", 1)
            keys.add(_key(first_part + last_part))
        else:  # "Jerzy Neyman": also "Neyman Jerzy", the sortable order
            words = name.split()
            if len(words) > 1:
                keys.add(_key(words[-1] + "".join(words[:-1])))
    return keys - {""}


def read_roster(path: Path) -> list[Student]:
    """The students of a roster CSV, in its order (see the module's documentation)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise RosterError(f"{path}: the roster is empty")
    header = [_key(h) for h in rows[0]]

    def column(names):
        return next((header.index(n) for n in names if n in header), None)

    id_col = column(ID_COLUMNS)
    name_col = column(NAME_COLUMNS)
    first_col, last_col = column(FIRST_NAME_COLUMNS), column(LAST_NAME_COLUMNS)
    if id_col is None:
        raise RosterError(
            f"{path}: no column for the students' IDs (one of: id, student id, sis user id, "
            f"identifier, id number, username, login, email); its columns are {rows[0]}"
        )
    if name_col is None and first_col is None and last_col is None:
        raise RosterError(
            f"{path}: no column for the students' names (one of: name, student, full name, "
            f"or first name and last name); its columns are {rows[0]}"
        )
    alias_cols = [i for i, h in enumerate(header) if h in ID_COLUMNS]
    students, seen = [], set()

    def cell(row, i):
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        sid = cell(row, id_col)
        first, last = cell(row, first_col), cell(row, last_col)
        name = cell(row, name_col) or " ".join(p for p in (first, last) if p)
        if not sid or _key(name) == "pointspossible":  # Canvas's second row, blank rows
            continue
        if sid in seen:
            raise RosterError(f"{path}, line {number}: the ID {sid!r} appears twice")
        seen.add(sid)
        aliases = set().union(*(_aliases(cell(row, i)) for i in alias_cols))
        students.append(Student(sid, name, aliases, _name_keys(name, first, last)))
    return students


def _clues(path: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What a file's path says about its student: (number, name) pairs from the patterns of
    Canvas and Moodle downloads, and the plain texts to compare (its folders, its stem)."""
    parts = PurePosixPath(path).parts
    pairs, texts = [], []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        for pattern in (MOODLE, CANVAS):
            m = pattern.match(part)
            if m and (not last or pattern is MOODLE or m.group("original")):
                pairs.append((m.group("number").lstrip("0") or "0", m.group("name")))
                break
        texts.append(PurePosixPath(part).stem if last else part)
    return pairs, texts


class Roster:
    """The students of a roster, and the matching of file paths to them."""

    def __init__(self, students: list[Student], path: Path | None = None):
        self.students, self.path = students, path

    @classmethod
    def read(cls, path: Path) -> Roster:
        return cls(read_roster(path), Path(path))

    def _by_alias(self, text: str) -> list[Student]:
        text = text.strip().lower()
        return [s for s in self.students if text and text in s.aliases]

    def _by_name(self, text: str) -> list[Student]:
        key = _key(text)
        return [s for s in self.students if key and key in s.names]

    def match(self, path: str) -> Match:
        """The student a submitted file belongs to; `path` is relative to the submissions'
        folder, with '/' between its parts."""
        pairs, texts = _clues(path)
        ambiguous = []
        for number, name in pairs:
            for found in (self._by_alias(number), self._by_name(name)):
                if len(found) == 1:
                    return Match(path, found[0])
                ambiguous += found
        if not pairs:
            for text in texts:
                for found in (self._by_alias(text), self._by_name(text)):
                    if len(found) == 1:
                        return Match(path, found[0])
                    ambiguous += found
        if ambiguous:
            ids = ", ".join(sorted({s.id for s in ambiguous}))
            return Match(path, None, f"matches several students of the roster ({ids})")
        return Match(path, None, "matches no student of the roster")
