"""Privacy warnings: text that looks like a patient identifier, and few false alarms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookbuilder.check.privacy import _TITLES, lint, nhs_number_valid
from bookbuilder.model import Problem, Severity

RELPATH = "experiences/giulia-bianchi-night-shifts.md"


def warnings_for(text: str, body_line: int = 20) -> list[Problem]:
    return lint(text, body_line, RELPATH)


# (text, code, what it saw)
BAD = [
    # dates of birth
    ("The patient, born on 3 May 1950, was admitted.", "birth-date", "born on 3 May 1950"),
    ("born 03/05/1950", "birth-date", "born 03/05/1950"),
    ("She was born on May 3rd, 1950.", "birth-date", "born on May 3rd, 1950"),
    ("born in May 1950", "birth-date", "born in May 1950"),
    ("DOB 03/05/1950", "birth-date", "DOB 03/05/1950"),
    ("D.O.B.: 1950-05-03", "birth-date", "D.O.B.: 1950-05-03"),
    ("date of birth: 3.5.1950", "birth-date", "date of birth: 3.5.1950"),
    ("Date of Birth 12 March 1941", "birth-date", "Date of Birth 12 March 1941"),
    ("nata il 3 maggio 1950", "birth-date", "nata il 3 maggio 1950"),
    ("Geburtsdatum: 03.05.1950", "birth-date", "Geburtsdatum: 03.05.1950"),
    ("geboren am 3. Mai 1950", "birth-date", "geboren am 3. Mai 1950"),
    ("née le 3 mars 1950", "birth-date", "née le 3 mars 1950"),
    ("fecha de nacimiento: 3 de mayo de 1950", "birth-date", "fecha de nacimiento: 3 de mayo"),
    # record numbers
    ("MRN 123456", "record-number", "MRN 123456"),
    ("mrn: 00123456", "record-number", "mrn: 00123456"),
    ("His hospital number was H-0047113.", "record-number", "hospital number was H-0047113"),
    ("patient ID 4711", "record-number", "patient ID 4711"),
    ("medical record number #8812345", "record-number", "medical record number #8812345"),
    ("accession no. 20200311", "record-number", "accession no. 20200311"),
    ("case no. 1234", "record-number", "case no. 1234"),
    ("Fallnummer 998877", "record-number", "Fallnummer 998877"),
    ("cartella clinica n. 45678", "record-number", "cartella clinica n. 45678"),
    # national identifiers
    ("SSN 123-45-6789", "national-id", "123-45-6789"),
    ("NHS 943 476 5919", "national-id", "943 476 5919"),
    ("9434765919", "national-id", "9434765919"),
    ("CF RSSMRA85T10A562S", "national-id", "RSSMRA85T10A562S"),
    ("DNI 12345678Z", "national-id", "12345678Z"),
    ("NIE X1234567L", "national-id", "X1234567L"),
    # phone numbers
    ("call +39 035 123 4567", "phone", "+39 035 123 4567"),
    ("call +44 (0)20 7946 0958", "phone", "+44 (0)20 7946 0958"),
    ("call +1-202-555-0173", "phone", "+1-202-555-0173"),
    ("call 0039 035 1234567", "phone", "0039 035 1234567"),
    ("call (555) 123-4567", "phone", "(555) 123-4567"),
    ("call (030) 1234 5678", "phone", "(030) 1234 5678"),
    # long numbers
    ("call 030 1234 5678", "number", "030 1234 5678"),
    ("ext 035-2671111", "number", "035-2671111"),
    ("555 123 4567", "number", "555 123 4567"),
    ("id 12345678901", "number", "12345678901"),
    # e-mail
    ("write to giulia.bianchi@example.org", "email", "giulia.bianchi@example.org"),
    ("[write](mailto:g.b+covid@ospedale.example.it)", "email", "g.b+covid@ospedale.example.it"),
    # names
    ("patient Rossi", "name", "patient Rossi"),
    ("Patient Müller was calm", "name", "Patient Müller"),
    ("la paziente Bianchi", "name", "paziente Bianchi"),
    ("Mr. Smith", "name", "Mr. Smith"),
    ("Mrs Jones", "name", "Mrs Jones"),
    ("Ms. O'Neill", "name", "Ms. O'Neill"),
    ("Mx. Taylor", "name", "Mx. Taylor"),
    ("Sig. Bianchi", "name", "Sig. Bianchi"),
    ("Sig.ra Verdi", "name", "Sig.ra Verdi"),
    ("Herr Schmidt", "name", "Herr Schmidt"),
    ("Frau Özdemir", "name", "Frau Özdemir"),
    ("Mme Dupont", "name", "Mme Dupont"),
    ("Sra. García", "name", "Sra. García"),
    # in a code block: code is printed as it is, so it is read too
    ("```\nMRN 123456\n```", "record-number", "MRN 123456"),
]


@pytest.mark.parametrize(("text", "code", "seen"), BAD)
def test_bad(text: str, code: str, seen: str) -> None:
    problems = warnings_for(text)
    assert [p.code for p in problems] == [f"privacy.{code}"], [str(p) for p in problems]
    problem = problems[0]
    assert problem.severity is Severity.WARNING
    assert problem.path == RELPATH
    assert problem.message.startswith(f"'{seen}")
    assert "; " in problem.message


GOOD = [
    "COVID-19 reached Bergamo on 2020-02-23; by 2020-11-19 we had seen 10 patients a night.",
    "We had 10 patients on ward 4 at 3 a.m. and 12 at 4 p.m.",
    "Country codes follow ISO 3166; the scanner is a 64-slice CT.",
    "From 19.11.2020 to 03/12/2020 and from 2020-03-01 to 2020-04-30.",
    "Between 2019 2020 and 2021, and in 2019-2020 and 2020/2021.",
    "We scanned 12 000 000 slices, or 12,000,000, or 1.200.000 in Italy.",
    "Case numbers rose to 12,000 in week 12; the patient number 3 was stable.",
    "See https://doi.org/10.1148/radiol.2020200642 and doi:10.1000/1823456789.",
    "My ORCID iD is 0000-0002-1825-0097.",
    "The date of birth is on every request form; patients born in 1950 were at risk.",
    "Patient Safety first. Patient Experience matters. The patient was 84.",
    "patient X had a fever; patient A and patient B shared a room; patient ICU transfer.",
    "A p-value of 0.0001234 and a dose of 1.5 mSv; 45 minutes per scan; room 12, bed 3.",
    "Shifts ran 08:00-20:00 and 20:00-08:00; 7 days a week; 24/7.",
    "Version 1.2.3 of the software, firmware 2020.11.19.",
    "Dr. Rossi and Prof. Bianchi led the team.",  # staff, named by choice
    "We did not miss Christmas; the sig. was weak.",
    "The ward had 100 beds and 1000 staff; 1 in 100000 risk.",
    "% a comment: MRN 123456 and born on 3 May 1950 are never published",
]


@pytest.mark.parametrize("text", GOOD)
def test_good(text: str) -> None:
    assert [str(p) for p in warnings_for(text)] == []


def test_lines_and_message() -> None:
    body = "Intro.\n\nThe patient was born on 3 May 1950.\n\nPhone +39 035 123 4567 or x@y.org."
    assert [str(p) for p in warnings_for(body, body_line=8)] == [
        f"{RELPATH}:10: warning: 'born on 3 May 1950' looks like a date of birth; reports must "
        "not identify patients: remove or generalise it, or if it is a false alarm put "
        "'% privacy: ok' on the line above [privacy.birth-date]",
        f"{RELPATH}:12: warning: '+39 035 123 4567' looks like a phone number; reports must "
        "not identify patients: remove or generalise it, or if it is a false alarm put "
        "'% privacy: ok' on the line above [privacy.phone]",
        f"{RELPATH}:12: warning: 'x@y.org' looks like an e-mail address; reports must not "
        "identify patients: remove or generalise it, or if it is a false alarm put "
        "'% privacy: ok' on the line above [privacy.email]",
    ]


def test_privacy_ok_silences_exactly_one_line() -> None:
    body = (
        "% privacy: ok\n"
        "Write to the society at office@society.example.org.\n"
        "Or to giulia@example.org.\n"
        "\n"
        "%PRIVACY: OK (the ward's public switchboard)\n"
        "Call +39 035 267 1111.\n"
        "% privacy: ok\n"
        "\n"
        "Mr. Smith, two lines below a silencer, still warns."
    )
    problems = warnings_for(body, body_line=1)
    assert [(p.line, p.code) for p in problems] == [(3, "privacy.email"), (9, "privacy.name")]


def test_privacy_ok_in_the_middle_of_text_does_not_silence() -> None:
    assert warnings_for("Note: % privacy: ok\nMRN 123456")


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("9434765919", True), ("9434765918", False), ("4010232137", True), ("1234567890", False)],
)
def test_nhs_mod_11(digits: str, valid: bool) -> None:
    assert nhs_number_valid(digits) is valid


@given(st.text(max_size=300))
def test_any_text_gives_warnings_not_exceptions(text: str) -> None:
    problems = lint(text, 1, RELPATH)
    assert all(p.severity is Severity.WARNING and p.code.startswith("privacy.") for p in problems)


def test_codice_fiscale_with_letters_for_every_digit_is_seen() -> None:
    # "omocodia": every digit of a codice fiscale may be replaced by a letter (0=L … 9=V)
    problems = lint("Il codice era RSSMRAULALMHRLMZ, scritto sul referto.", 3, "x.md")
    assert [(p.line, p.code) for p in problems] == [(3, "privacy.national-id")]


def test_every_title_before_a_name_is_found() -> None:
    # The name pattern is led by the letters titles start with (privacy._TITLE_LETTERS): a
    # title added with another first letter must be found all the same.
    for title in _TITLES.replace("\\.", ".").split("|"):
        found = warnings_for(f"Seen by {title} Rossi at noon.")
        assert [(p.code, p.message.split("'")[1]) for p in found] == [
            ("privacy.name", f"{title} Rossi")
        ], title
