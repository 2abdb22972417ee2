"""`make new`: a new report from flags or answers, checked with make check's own rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_book, run_book

FLAGS = [
    "--title=Heat & *dust* in the MRI suite",
    "--author=Giulia Bianchi;radiographer;Ospedale Esempio, Bergamo;0000-0002-1825-0097",
    "--author=Ana Souza;Radiologist",
    "--country=no",
    "--city=Tromsø",
    "--submitted=2021-07-30",
    "--modalities=MR, X-ray",
    "--topics=heat,Workflow",
    "--consent",
]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(FIXTURES / "book-small", tmp_path / "book")


def ask(book: Path, answers: str, *flags: str) -> subprocess.CompletedProcess[str]:
    """`make new` with answers typed on its standard input, one per line."""
    return subprocess.run(
        [sys.executable, "-m", "bookbuilder", "--root", str(book), "new", *flags],
        input=answers,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "V": ""},
        timeout=60,
    )


def test_flags_write_a_draft_that_passes_check(book: Path) -> None:
    result = run_book(book, "new", *FLAGS, "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    slug = "heat-dust-in-the-mri-suite"
    path = book / "experiences" / f"{slug}.md"
    text = path.read_text("utf-8")
    assert 'title: "Heat & *dust* in the MRI suite"' in text
    assert "country: NO" in text and "role: radiologist" in text
    assert "modalities: [MRI, radiography]" in text and "topics: [heat, workflow]" in text
    assert "status: draft" in text
    assert (book / "experiences" / "images" / slug).is_dir()
    check = run_book(book, "check")
    assert check.returncode == 0, check.stdout
    assert f"experiences/{slug}.md:" not in check.stdout  # not one warning either
    assert f"experiences/{slug}.md — status: draft" in check.stdout


def test_accepted_report_lands_in_a_chapter(book: Path) -> None:
    result = run_book(book, "new", *FLAGS, "--status=accepted", "--slug=heat-in-tromso", "--yes")
    assert result.returncode == 0, result.stdout
    plan = run_book(book, "plan")
    assert plan.returncode == 0, plan.stdout
    assert "experiences/heat-in-tromso.md: Heat & *dust* in the MRI suite" in plan.stdout


def test_never_overwrites(book: Path) -> None:
    existing = book / "experiences" / "hitze-im-ct-koeln.md"
    before = existing.read_bytes()
    result = run_book(book, "new", *FLAGS, "--slug=hitze-im-ct-koeln", "--yes")
    assert result.returncode == 1
    assert "experiences/hitze-im-ct-koeln.md already exists" in result.stdout
    assert existing.read_bytes() == before
    # A second report with the same title is refused, never written as "…-2.md"…
    first = run_book(book, "new", *FLAGS, "--yes")
    second = run_book(book, "new", *FLAGS, "--yes")
    assert (first.returncode, second.returncode) == (0, 1)
    assert (
        "experiences/heat-dust-in-the-mri-suite.md already has the title 'Heat & *dust* in the "
        "MRI suite' (status: draft, first author Giulia Bianchi)"
    ) in second.stdout
    assert "Nothing was written" in second.stdout
    assert not (book / "experiences" / "heat-dust-in-the-mri-suite-2.md").exists()
    # …unless the editor says it is another report: then a free name is chosen beside it.
    third = run_book(book, "new", *FLAGS, "--yes", "--same-title")
    assert third.returncode == 0, third.stdout
    assert (book / "experiences" / "heat-dust-in-the-mri-suite-2.md").is_file()


def test_bad_flags_give_make_checks_messages(book: Path) -> None:
    # The same wrong values in a report file and as flags: the same messages.
    bad = book / "experiences" / "bad-values.md"
    bad.write_text(
        "---\ntitle: Bad values\nauthors:\n  - name: A\n    role: radiografer\n"
        "country: Italia\nsubmitted: 2099-01-01\nconsent: true\nmodalities: [CAT]\n---\n\nText.\n",
        "utf-8",
    )
    check = run_book(book, "check").stdout
    bad.unlink()
    result = run_book(
        book,
        "new",
        "--title=Bad values",
        "--author=A;radiografer",
        "--country=Italia",
        "--submitted=2099-01-01",
        "--modalities=CAT",
        "--yes",
    )
    assert result.returncode == 1
    assert "Nothing was written." in result.stdout
    for key in ("role", "country", "submitted", "modalities[1]"):
        line = next(li for li in check.splitlines() if f" {key}: " in li or f".{key}: " in li)
        message = line.split(f"{key}: ", 1)[1].rsplit(" [", 1)[0]
        assert message in result.stdout, (key, message, result.stdout)
    assert "did you mean 'radiographer'?" in result.stdout
    assert not list((book / "experiences").glob("bad-values*.md"))


def test_missing_answers_with_yes(book: Path) -> None:
    result = run_book(book, "new", "--title=Only a title", "--yes")
    assert result.returncode == 1
    assert "--author" in result.stdout and "--country" in result.stdout
    assert not (book / "experiences" / "only-a-title.md").exists()


def test_questions_are_checked_as_answered(book: Path) -> None:
    answers = "\n".join(
        [
            "Cold hands, warm probes",  # title
            "Lena Berg",  # author 1 name
            "sonographer",  # role: wrong
            "radiographer",  # role
            "",  # affiliation
            "0000-0002-1825-0098",  # ORCID: wrong check digit
            "0000-0002-1825-0097",
            "",  # no second author
            "Sweden",  # country: a name, not a code
            "SE",
            "Umeå",  # city
            "",  # date: today
            "",  # language: the book's
            "US, MRI",  # modalities
            "",  # topics
            "yes",  # consent
            "",  # file name: suggested
            "yes",  # write it
            "",
        ]
    )
    result = ask(book, answers)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "role: found 'sonographer'; allowed: radiologist" in out
    assert "whose check digit is wrong" in out
    assert "country: found 'Sweden'" in out and "did you mean 'SE'?" in out
    text = (book / "experiences" / "cold-hands-warm-probes.md").read_text("utf-8")
    assert "country: SE" in text and "modalities: [ultrasound, MRI]" in text
    assert 'orcid: "0000-0002-1825-0097"' in text and "consent: true" in text
    check = run_book(book, "check")
    assert check.returncode == 0
    assert "cold-hands-warm-probes.md:" not in check.stdout


def test_cancel_writes_nothing(book: Path) -> None:
    result = ask(book, "A title\nSomeone\n")  # input ends (Ctrl-D) at the role question
    assert result.returncode == 1
    assert "Cancelled; nothing was written." in result.stdout
    assert "Traceback" not in result.stderr
    assert not (book / "experiences" / "a-title.md").exists()


def test_a_slug_is_the_file_name_exactly(book: Path) -> None:
    from bookbuilder.editor.new import slug_problem

    # spaces around a --slug are dropped before it names the file
    result = run_book(book, "new", *FLAGS, "--slug", " heat-in-tromso ", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (book / "experiences" / "heat-in-tromso.md").is_file()
    assert [p.name for p in (book / "experiences").glob(" *")] == []
    # and slug_problem, which guards every writer, never lets them through
    assert "without the spaces" in (slug_problem(book, " other-name") or "")
    assert "already exists" in (slug_problem(book, "heat-in-tromso") or "")
    assert "did you mean 'bad-name'" in (slug_problem(book, "Bad Name") or "")


def test_a_title_that_exists_is_asked_about(book: Path) -> None:
    # Case and accents aside, "shade first, then scan" is the title of a report of the book.
    answers = ["SHADE FIRST, THEN SCÁN", "no", "Shade first, then scan again", "Lena Berg", ""]
    result = ask(book, "\n".join(answers))
    assert result.returncode == 1  # the input ends at the role question: nothing written
    out = result.stdout
    assert "experiences/shade-for-the-scanner-sevilla.md already has the title" in out
    assert "Then give it another title" in out
    assert "Author 1: name" in out  # asked on, with the new title
    assert sorted(p.name for p in (book / "experiences").glob("shade*")) == [
        "shade-for-the-scanner-sevilla.md"
    ]
    # With the title as a flag, the question comes first; "no" writes nothing.
    result = ask(book, "no\n", "--title", "Shade first, then scan")
    assert result.returncode == 1
    assert "Is this a different report" in result.stdout
    assert "Nothing was written" in result.stdout


def test_the_family_name_is_asked_when_the_guess_is_doubtful(book: Path) -> None:
    # Aroha Te Rangi: "Te" may belong to the family name, so it is asked (Enter takes the
    # likeliest, "Te Rangi"); Giulia Bianchi's is sure, so it is not.
    answers = ["Heat in Auckland", "Aroha Te Rangi", "nurse", "", "", "", "Giulia Bianchi"]
    answers += ["radiographer", "", "", "", "NZ", "", "", "", "", "", "no", "", "yes"]
    result = ask(book, "\n".join(answers) + "\n")
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("family name, as written in the name") == 1
    text = (book / "experiences" / "heat-in-auckland.md").read_text("utf-8")
    assert '  - name: "Aroha Te Rangi"\n    family: "Te Rangi"\n    role: nurse\n' in text
    assert '  - name: "Giulia Bianchi"\n    role: radiographer\n' in text
    assert run_book(book, "check").returncode == 0
