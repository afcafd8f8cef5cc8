"""The typed-word tie-break reads a paragraph's words as the planner reads the
question's: a clitic ("-lah", "-nya") does not make another word."""

from __future__ import annotations

from retrieval.verbatim import by_typed_words, typed_words_in


def test_a_typed_word_counts_with_a_clitic_but_not_inside_another_word() -> None:
    text = "Apapun yang berlebihan itu tidaklah baik bagi tubuhnya, kata Ahli-gizi."
    assert typed_words_in(text, ["tidak", "tubuh", "baik"]) == 3
    assert typed_words_in(text, ["lebih", "ahli", "tubuhnya"]) == 1  # only "tubuhnya" itself
    assert typed_words_in("Ketidakan dan tidaknyalah.", ["tidak"]) == 0
    # The same with letters whose lower case changes the text's length.
    assert typed_words_in("İstanbul tidaklah jauh", ["tidak", "jauh"]) == 2


def test_the_paragraph_writing_the_typed_word_with_its_clitic_is_not_put_behind() -> None:
    # The question typed "tidaklah"; the planner keeps "tidak". Among tied
    # candidates, the one writing "tidaklah" counts it like those writing "tidak".
    texts = {
        0: "protein tubuh",
        1: "protein tubuh tidak",
        2: "protein itu tidaklah baik bagi tubuh",
        3: "protein saja",
    }
    ties = {0: 1.0, 1: 0.5, 2: 0.5, 3: 0.5}
    out = by_typed_words([0, 3, 2, 1], ties.__getitem__, texts.__getitem__, ["tidak", "tubuh"])
    assert out == [0, 2, 1, 3]


def test_words_the_planner_leaves_out_break_the_remaining_ties() -> None:
    # "kenapa terima pan": the planner keeps "pan" alone; among candidates
    # holding it alike, the one also writing "kenapa" and "terima" comes first.
    texts = {
        0: "PAN mendukung pemerintah.",
        1: "Ketua PAN hadir di Bandung.",
        2: "Andi tidak menjelaskan kenapa ia mengucapkan terima kasih kepada PAN.",
        3: "PAN menerima tamu.",
    }
    ties = {0: 1.0, 1: 0.5, 2: 0.5, 3: 0.5}
    typed = ["kenapa", "terima", "pan"]
    ranked = [0, 1, 3, 2]
    assert by_typed_words(ranked, ties.__getitem__, texts.__getitem__, ["pan"]) == ranked
    out = by_typed_words(ranked, ties.__getitem__, texts.__getitem__, ["pan"], also=typed)
    assert out == [0, 2, 1, 3]
    # The planner's words still come first: a candidate holding "pan" as typed
    # stays ahead of one holding only the left-out words.
    texts[1] = "Kenapa terima kasih?"
    out = by_typed_words(ranked, ties.__getitem__, texts.__getitem__, ["pan"], also=typed)
    assert out == [0, 2, 3, 1]
