from ompgpt.source import SourceFile
from ompgpt.source.parse import is_restrict_qualifier, masked_for_parsing, parse


def test_restrict_macros_are_masked_in_declarators_only_and_offsets_do_not_move():
    text = b"const Q *magick_restrict p; T *RESTRICT q; r = a * restrict_len; s = b *__restrict__ t;"
    masked = masked_for_parsing(text)
    assert len(masked) == len(text)
    assert masked == b"const Q *restrict        p; T *restrict q; r = a * restrict_len; s = b *__restrict__ t;"


def test_parsed_text_is_the_original_while_the_tree_sees_the_keyword():
    parsed = parse(SourceFile.from_text("void f(void) { const double *magick_restrict p = 0; }\n"))
    assert not parsed.root.has_error
    assert parsed.text_of(parsed.root) == "void f(void) { const double *magick_restrict p = 0; }\n"


def test_restrict_qualifier_names():
    assert all(map(is_restrict_qualifier, ["restrict", "__restrict__", "magick_restrict", "RESTRICT"]))
    assert not any(map(is_restrict_qualifier, ["p", "restrain", ""]))
