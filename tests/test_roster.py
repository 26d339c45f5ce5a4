"""The roster (coursekit.roster, `make grade ROSTER=`): its formats, and which student each
file of a learning management system's download belongs to. No grading here: the graded
roster run is in tests/test_grading.py."""

from __future__ import annotations

import pytest

from coursekit.roster import Roster, RosterError, read_roster

CANVAS_GRADEBOOK = """\
\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Homework 1 (1234)
    Points Possible,,,,,10.00
"Neyman, Jerzy",1042,S0042,jneyman,MLE 101,
"Fisher, Ronald",1043,S0043,rfisher,MLE 101,
"van der Waerden, Bartel",1044,S0044,bvdw,MLE 101,
"Student, Test",9999,,,MLE 101,
"""

MOODLE_WORKSHEET = """\
Identifier,Full name,Email address,Status,Grade
Participant 2044,Egon Pearson,epearson@example.org,Submitted for grading,
Participant 2045,Harold Jeffreys,hjeffreys@example.org,Submitted for grading,
Participant 2046,Émile Borel,eborel@example.org,No submission,
"""

PLAIN = """\
id,name,email
s1,Jerzy Neyman,jn@example.org
s2,Ronald Fisher,rf@example.org
s3,Ronald Fisher,rf2@example.org
"""


def _roster(tmp_path, text: str, name: str = "roster.csv") -> Roster:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Roster.read(path)


def _ids(roster: Roster, paths: list[str]) -> list[str | None]:
    return [m.student.id if m.student else None for m in map(roster.match, paths)]


def test_a_canvas_gradebook_export_is_a_roster(tmp_path):
    roster = _roster(tmp_path, CANVAS_GRADEBOOK)
    # the "Points Possible" row is not a student; the byte-order mark does not hide "Student"
    assert [s.id for s in roster.students] == ["1042", "1043", "1044", "9999"]
    assert roster.students[0].name == "Neyman, Jerzy"


def test_canvas_download_names_are_matched_by_user_id_then_by_name(tmp_path):
    roster = _roster(tmp_path, CANVAS_GRADEBOOK)
    paths = [
        "neymanjerzy_1042_5551_01_likelihood_mle.ipynb",
        "fisherronald_late_1043_5552_01_likelihood_mle (1).ipynb",
        "fisherronald_LATE_1043_5559_01_likelihood_mle-1.ipynb",
        "vanderwaerdenbartel_7_5553_hw.ipynb",  # an ID unknown to the roster: by the name
        "pearsonegon_2044_5554_hw.ipynb",  # neither the ID nor the name
    ]
    assert _ids(roster, paths) == ["1042", "1043", "1043", "1044", None]
    assert roster.match(paths[-1]).note == "matches no student of the roster"


def test_moodle_download_folders_and_files_are_matched_by_participant_then_by_name(tmp_path):
    roster = _roster(tmp_path, MOODLE_WORKSHEET)
    assert [s.id for s in roster.students] == [
        "Participant 2044",
        "Participant 2045",
        "Participant 2046",
    ]
    paths = [
        "Egon Pearson_2044_assignsubmission_file_/01_likelihood_mle.ipynb",
        "Harold Jeffreys_2045_assignsubmission_file_Copy of 01_likelihood_mle.ipynb",
        "Emile Borel_999_assignsubmission_file_/hw.ipynb",  # by the name, accents aside
        "Someone Else_998_assignsubmission_file_/hw.ipynb",
    ]
    assert _ids(roster, paths) == [
        "Participant 2044",
        "Participant 2045",
        "Participant 2046",
        None,
    ]


def test_plain_file_and_folder_names_are_matched_by_id_alias_or_name(tmp_path):
    roster = _roster(tmp_path, PLAIN)
    paths = [
        "s1.ipynb",
        "jn/01_likelihood_mle.ipynb",  # the e-mail's user name
        "Jerzy Neyman.ipynb",
        "neyman_jerzy.ipynb",  # the name in the other order
        "Ronald Fisher.ipynb",  # two students have this name
        "01_likelihood_mle (1).ipynb",
    ]
    assert _ids(roster, paths) == ["s1", "s1", "s1", "s1", None, None]
    assert roster.match("Ronald Fisher.ipynb").note == (
        "matches several students of the roster (s2, s3)"
    )


def test_a_roster_with_first_and_last_name_columns(tmp_path):
    roster = _roster(tmp_path, "Username,First name,Surname\nlc,Lucien,Le Cam\n")
    (student,) = roster.students
    assert (student.id, student.name) == ("lc", "Lucien Le Cam")
    assert _ids(roster, ["lecamlucien_31_32_hw.ipynb", "Lucien Le Cam.ipynb"]) == ["lc", "lc"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,section\nJerzy Neyman,A\n", "no column for the students' IDs"),
        ("id,section\n1042,A\n", "no column for the students' names"),
        ("id,name\n1042,Jerzy Neyman\n1042,Ronald Fisher\n", "appears twice"),
        ("", "empty"),
    ],
)
def test_a_roster_that_cannot_be_read_says_why(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=message):
        read_roster(path)
