"""Where a line may break: ICU's rules (UAX #14, dictionaries for Thai, Lao, Khmer, Burmese),
shared by the check (a warning for a run wider than a line) and the PDF writer (which lets
such a run break anywhere, between its grapheme clusters)."""

from __future__ import annotations

from bookbuilder.linebreak import BREAK, HYPHEN, MAX_RUN_EM, breakable, clusters, runs, too_wide
from bookbuilder.sphinx.typst import text_settings

JAPANESE = (
    "第一波のとき、私たちは放射線科を二つのチームに分け、感染が疑われる患者専用のCT室を設けました。"
    "撮影のたびに寝台と装置を消毒し、次の患者を迎えるまでに二十分以上かかることもありました。"
)
THAI = "นักรังสีการแพทย์ทุกคนต้องสวมชุดป้องกันตลอดเวลาและทำความสะอาดเครื่องหลังการตรวจทุกครั้ง"
KHMER = "អ្នកបច្ចេកទេសគ្រប់រូបត្រូវពាក់សម្លៀកបំពាក់ការពារ"
LAO = "ພະນັກງານທຸກຄົນຕ້ອງໃສ່ຊຸດປ້ອງກັນແລະອະນາໄມເຄື່ອງຫຼັງຈາກການກວດແຕ່ລະຄັ້ງ"
BURMESE = "ဓာတ်မှန်ဆရာဝန်များသည်ရုပ်ပုံများကိုအမြန်ဖတ်ပေးသဖြင့်ကုသရေးအဖွဲ့သည်အချိန်မီဆုံးဖြတ်နိုင်ခဲ့သည်။"
TIBETAN = "ལས་མི་ཚོས་ཉིན་མཚན་གཉིས་ཀར་ལས་ཀ་བྱས་ཤིང་ནད་པ་རེ་རེའི་རྗེས་སུ་འཕྲུལ་ཆས་གཙང་སེལ་བྱས།"


def pieces(text: str) -> list[str]:
    return [text[run.start : run.end] for run in runs(text)]


def test_paragraphs_without_spaces_break_between_words_or_characters() -> None:
    for paragraph in (JAPANESE, THAI, KHMER, LAO, BURMESE, TIBETAN):
        assert len(paragraph) > 40
        assert too_wide(paragraph) == [], paragraph
        assert max(run.width for run in runs(paragraph)) < 8, pieces(paragraph)
    assert "ทุกคน" in pieces(THAI) or "ทุก" in pieces(THAI)  # the dictionary's words
    assert len(pieces(KHMER)) >= 5
    assert len(pieces(LAO)) >= 8
    assert len(pieces(BURMESE)) >= 8
    assert pieces(TIBETAN)[:3] == ["ལས་", "མི་", "ཚོས་"]  # after each tsheg
    assert "、" in pieces(JAPANESE)[5] or any(p.endswith("、") for p in pieces(JAPANESE))


def test_a_run_wider_than_a_line_is_found_and_made_breakable() -> None:
    long = "7f3a" * 15  # 60 characters, 42 em: wider than the 36 em a line surely holds
    text = f"Short words, then {long}, and a web address https://example.org/a/b/c/d/e/f."
    (wide,) = too_wide(text)
    assert text[wide.start : wide.end] == long + ","
    assert wide.width > MAX_RUN_EM
    made = breakable(text)
    assert made.replace(BREAK, "") == text
    assert made.count(BREAK) == len(long)  # between every two of its 61 clusters
    assert breakable("Nothing wide here.") == "Nothing wide here."


def test_a_word_too_wide_breaks_with_a_hyphen_a_code_without() -> None:
    word = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"  # 63 letters
    assert breakable(word) == HYPHEN.join(word)
    greek = "ΠνευμονοϋπερμικροσκοπικοπυριτιοηφαιστειοκονίωσηΠνευμονοϋπερμικρο"
    assert HYPHEN in breakable(greek)
    assert HYPHEN not in breakable("x" * 200)  # no word: cheaper for Typst without hyphens
    for code in (
        "a1" * 40,
        "ก1" * 40,
        "AAGCTTGCATGCCTGCAGGTCGACTCTAGAGGATCCCCGGGTACCGAGCTCGAATTC_x",
    ):
        assert HYPHEN not in breakable(code)
        assert BREAK in breakable(code)


def test_breaks_never_split_a_grapheme_cluster() -> None:
    text = ("क्षि" + "e\u0301") * 30  # a conjunct with its vowel sign; e with a combining accent
    made = breakable(text)
    assert made.replace(BREAK, "") == text
    assert set(made.split(BREAK)) == {"क्षि", "e\u0301"}
    assert clusters("👨‍👩‍👧‍👦🇳🇿👍🏽1️⃣🏴󠁧󠁢󠁳󠁣󠁴󠁿") == ["👨‍👩‍👧‍👦", "🇳🇿", "👍🏽", "1️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]


def test_tibetan_and_burmese_paragraphs_are_broken_line_by_line() -> None:
    """Typst's paragraph optimiser takes 0.6 ms a character in Tibetan (docs/pdf-engine.md)."""
    fonts = ["Noto Serif"]
    for tag in ("bo", "my", "dz"):
        assert 'linebreaks: "simple"' in text_settings(tag, fonts, {})
    for tag in ("th", "ja", "en"):
        assert "linebreaks" not in text_settings(tag, fonts, {})


def test_burmese_khmer_and_tibetan_lines_are_spaced_by_their_marks() -> None:
    """Their stacked marks touched the next line when lines were spaced by the Latin cap
    height and baseline (seen on the PDF's pages)."""
    for tag in ("my", "km", "bo"):
        assert 'top-edge: "bounds", bottom-edge: "bounds"' in text_settings(tag, ["Noto Serif"], {})
    assert "top-edge" not in text_settings("th", ["Noto Serif"], {})


def test_in_a_table_a_code_breaks_at_its_columns_width_a_word_at_a_lines() -> None:
    """Typst shares a line between automatic columns that do not fit it and sets a wider run
    over the next cells (seen on the page): a code in a cell is made breakable from its
    column's width; a word is left to Typst's hyphenation until it is wider than a line."""
    from docutils import nodes

    from bookbuilder.linebreak import MIN_CELL_EM, column_em

    text = nodes.Text("A3F9A" * 5)
    group = nodes.tgroup(cols=6)
    group += nodes.entry("", nodes.paragraph("", "", text))
    column = column_em(text)
    assert column == max(MAX_RUN_EM / 6 - 1, MIN_CELL_EM)
    assert column_em(nodes.paragraph("", "", nodes.Text("x"))) is None
    assert BREAK in breakable(str(text), column)
    assert breakable("Radiographers", column) == "Radiographers"
    assert breakable(str(text)) == str(text)  # outside a table it fits a line
