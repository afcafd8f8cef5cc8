"""Answers: the right paragraph, the bold sentence, the citation, and declining."""

from __future__ import annotations

import pytest

from retrieval import Retriever
from retrieval.dates import format_date
from retrieval.models import Corpus
from retrieval.qtype import expected_type, has_type
from tests.retrieval_helpers import _article, invented_retriever, seeds_retriever


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return seeds_retriever()


def test_trade_question_cites_republika(retriever: Retriever):
    answer = retriever.ask("Berapa nilai perdagangan bilateral Rusia dan China?")
    best = answer.best
    assert answer.answered and best is not None
    assert "123 miliar dolar AS" in best.text
    assert "123 miliar dolar AS" in best.highlight and best.highlight in best.text
    assert best.highlight != best.text  # one sentence, not the whole paragraph
    assert best.source.outlet == "Republika"
    published = best.source.published
    assert published is not None and format_date(published) == "17 Desember 2021"
    assert best.article_id == "003_8b1db099ec59a2e9" and best.paragraph == 8
    assert best.source.url and best.source.url.startswith("https://www.republika.co.id/")


@pytest.mark.parametrize(
    "question",
    [
        "Siapa presiden Prancis?",
        "halo bot",
        "cara membuat kopi susu gula aren",
        "",
        "   ???   ",
        "yang dan di ke dari",
    ],
)
def test_out_of_corpus_questions_are_declined(retriever: Retriever, question: str):
    answer = retriever.ask(question)
    assert not answer.answered
    assert answer.best is None
    assert answer.reason


def test_declined_answer_still_lists_candidates(retriever: Retriever):
    answer = retriever.ask("Siapa presiden Prancis?", k=3)
    assert not answer.answered and len(answer.hits) == 3  # for "results" in --json


def test_duplicate_text_is_one_result_that_says_where_else(retriever: Retriever):
    answer = retriever.ask("kedok demokrasi dan hak asasi manusia", k=5)
    best = answer.best
    assert best is not None
    (other,) = best.also_reported_by
    assert {best.article_id[:3], other.article_id[:3]} == {"000", "003"}
    assert other.source.outlet == "Republika"
    # The copy is not offered again as an alternative.
    texts = [h.text for h in answer.hits]
    assert len(texts) == len(set(texts))
    assert all(
        (h.article_id, h.paragraph) != (other.article_id, other.paragraph) for h in answer.hits
    )


def test_alternatives_are_distinct_and_ranked(retriever: Retriever):
    answer = retriever.ask("latihan militer bersama Rusia China", k=5)
    keys = [(h.article_id, h.paragraph) for h in answer.hits]
    assert len(keys) == len(set(keys)) == 5
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)


def test_informal_typo_and_alias_questions(retriever: Retriever):
    best = retriever.ask("vaksn sputnik diproduksi cina").best
    assert best is not None and "vaksin" in best.text
    best = retriever.ask("menhan tiongkok ketemu putin di moskow").best
    assert best is not None and "Li Shangfu" in best.text


def test_how_long_question_prefers_the_paragraph_with_a_quantity(retriever: Retriever):
    # The lead paragraph repeats the question's words; the answer holds the number.
    best = retriever.ask("Berapa lama Putin berbicara dalam panggilan video dengan Xi?").best
    assert best is not None and "delapan menit" in best.text


def test_hit_rebuilds_a_logged_citation(retriever: Retriever):
    hit = retriever.hit("003_8b1db099ec59a2e9", 2)
    assert hit.source.outlet == "Republika" and hit.paragraph == 2
    assert [s.article_id[:3] for s in hit.also_reported_by] == ["000"]
    with pytest.raises(KeyError):
        retriever.hit("003_8b1db099ec59a2e9", 99)


def test_related_articles_rank_whole_articles(retriever: Retriever):
    related = retriever.related_articles("vaksin sputnik pabrik", k=2)
    assert related[0][0].id.startswith("003")
    assert len({a.id for a, _ in related}) == len(related)


def test_expected_answer_types():
    assert expected_type(["kapan", "putin", "bertemu"]) == "date"
    assert expected_type(["berapa", "nilai", "perdagangan"]) == "number"
    assert expected_type(["di", "wilayah", "mana", "latihan"]) == "place"
    assert expected_type(["siapa", "yuri", "ushakov"]) is None
    assert has_type("pada Minggu, 16 April 2023", "date")
    assert has_type("naik 31 persen", "number")
    assert not has_type("pada Jumat (30/12).", "number")  # a date is not a quantity
    assert has_type("di kediamannya di Novo-Ogaryovo", "place")
    assert not has_type("pada 15 Dec lalu", "number")  # English month abbreviations too


def test_a_decline_says_why_and_what_was_not_found(retriever: Retriever):
    answer = retriever.ask("Siapa presiden Prancis?")
    assert not answer.answered and answer.reason == "missing-term"
    assert "prancis" in answer.missing
    assert retriever.ask("Berapa nilai perdagangan bilateral Rusia dan China?").reason is None


def test_a_subject_the_articles_never_pair_with_the_question_is_declined():
    # "Arsen Dalimunthe" is in the corpus, a wife or a birth date of his is not.
    retriever = invented_retriever()
    for question in ("Siapa istri Arsen Dalimunthe?", "Kapan Arsen Dalimunthe lahir?"):
        answer = retriever.ask(question)
        assert not answer.answered, question
        assert answer.reason == "missing-term" and answer.missing
    answer = retriever.ask("Berapa biaya pembangunan pelabuhan Lumbira?")
    assert answer.best is not None and "40 miliar" in answer.best.text


def test_declines_recalibrate_when_the_corpus_grows():
    """Distractors that use the question's words elsewhere ("istri", "wali
    kota", "pelabuhan") must not turn a decline into an answer, nor an answer
    into a decline; the content-word cut is re-read from the bigger corpus."""
    small, big = invented_retriever(), invented_retriever(60)
    assert len(big.index) > 10 * len(small.index)
    assert big.policy == small.policy
    for retriever in (small, big):
        assert not retriever.ask("Siapa istri Arsen Dalimunthe?").answered
        assert not retriever.ask("Siapa wali kota Sendara?").answered
        best = retriever.ask("Kapan pelabuhan Teluk Sari diresmikan?").best
        assert best is not None and "3 Maret 2025" in best.text
        best = retriever.ask("Siapa ketua panitia festival garam?").best
        assert best is not None and "Wiranti Lubis" in best.text
    # What "istri" is about is only in the big corpus; there it is answered.
    assert not small.ask("Siapa istri nelayan?").answered
    best = big.ask("Siapa istri nelayan?").best
    assert best is not None and "Istri seorang nelayan" in best.text


def test_list_questions_want_an_enumeration():
    assert expected_type(["negara", "mana", "saja", "yang", "tergabung"]) == "list"
    assert expected_type(["bidang", "apa", "saja"]) == "list"
    # "Di wilayah mana saja" asks for places first.
    assert expected_type(["di", "wilayah", "mana", "saja", "latihan"]) == "place"
    assert has_type(
        "142 kapal Vietnam, 76 kapal Filipina, 49 kapal Malaysia dan satu kapal", "list"
    )
    assert not has_type("Putin bertemu Xi di Moskow.", "list")


@pytest.mark.parametrize("question", ["kalau tahun 2023?", "tahun 2021", "April 2023?"])
def test_a_time_without_a_subject_is_declined(retriever: Retriever, question: str):
    # Every one of these words is in the seeds; none says what the question is about.
    assert retriever.plan(question).groups
    answer = retriever.ask(question)
    assert (answer.answered, answer.reason) == (False, "no-subject")


def test_when_the_lead_says_everything_asked_its_date_answers_kapan(retriever: Retriever):
    # The lead says who met whom; its article's date (in the citation) says when.
    best = retriever.ask("Kapan Menteri Pertahanan China Li Shangfu bertemu Putin?").best
    assert best is not None and best.paragraph == 1
    assert "Li Shangfu" in best.text and best.source.published is not None


def test_the_paragraph_that_says_the_relation_beats_one_that_repeats_the_names():
    """A paragraph saying what was asked ("delegasinya datang untuk ...")
    under a lead naming the subject beats paragraphs that name the subject
    again but say the relation's words nowhere near: names ground a whole
    article, the relation has to be in the paragraph."""
    visit = _article(
        1,
        "Jenderal Zhang Youxia berkunjung ke Lumbira",
        [
            "Jenderal Zhang Youxia tiba di Lumbira pada Senin untuk kunjungan tiga hari.",
            "Zhang bertemu Wali Kota Lumbira dan memuji pelabuhan baru Lumbira.",
            "Ia menambahkan, delegasinya datang untuk menandatangani perjanjian pelabuhan.",
            "Jenderal Zhang juga mengunjungi pasar ikan Lumbira bersama pejabat kota.",
            "Delegasi itu membawa dua puluh orang, dan datang dengan kapal dari utara.",
        ],
    )
    others = [
        _article(
            n,
            f"Kabar pelabuhan {n}",
            [f"Pelabuhan {n} ramai dikunjungi pedagang.", "Nelayan datang setiap pagi."],
        )
        for n in range(2, 8)
    ]
    retriever = Retriever.from_corpus(Corpus((visit, *others)))
    answer = retriever.ask("Untuk apa delegasi Zhang datang ke Lumbira?")
    assert answer.answered and answer.best is not None
    assert "delegasinya datang untuk menandatangani" in answer.best.text


def _league_corpus() -> Corpus:
    """Four unrelated reports that each name a team and a match, and ports
    where scores are kept: the corpus holds "skor", but never for the team."""
    reports = [
        "Usai pertandingan, Garuda Lumbira berlatih lagi di stadion utara.",
        "Pertandingan Garuda Lumbira ditonton ribuan warga yang datang dari desa.",
        "Garuda Lumbira menunda pertandingan karena hujan deras sejak pagi.",
        "Jadwal pertandingan Garuda Lumbira diumumkan oleh panitia liga daerah.",
    ]
    articles = [
        _article(n, f"Liga kota {n}", [text, "Penonton pulang dengan gembira."])
        for n, text in enumerate(reports, start=1)
    ]
    articles += [
        _article(n, f"Kabar pelabuhan {n}", [f"Pelabuhan {n} ramai.", "Skor lomba perahu dicatat."])
        for n in range(5, 12)
    ]
    return Corpus(tuple(articles))


def test_an_answer_that_does_not_stand_out_from_its_rivals_is_declined():
    """Several unrelated paragraphs hold the same words of the question, and
    none the rest: the archive has the words, not the answer."""
    retriever = Retriever.from_corpus(_league_corpus())
    answer = retriever.ask("skor pertandingan Garuda Lumbira")
    assert not answer.answered and answer.reason == "ambiguous"
    assert "skor" in answer.missing and len(answer.hits) >= 3  # still the closest articles
    # A question one of them answers in full is answered.
    answer = retriever.ask("Kapan Garuda Lumbira menunda pertandingan?")
    assert answer.answered and answer.best is not None
    assert "menunda pertandingan" in answer.best.text


def test_how_much_of_what_the_paragraph_must_say():
    """ "Berapa biaya ...?" asks for a cost: a paragraph about the festival
    without one is no answer; "Berapa jumlah ..." asks for the thing counted."""
    retriever = invented_retriever()
    declined = retriever.ask("Berapa biaya festival garam Sendara?")
    assert not declined.answered and "biaya" in declined.missing
    answered = retriever.ask("Berapa biaya pembangunan pelabuhan Teluk Sari?")
    assert answered.best is not None and "40 miliar rupiah" in answered.best.text
    counted = retriever.ask("Berapa jumlah pengunjung festival garam Sendara?")
    assert counted.best is not None and "dua ribu pengunjung" in counted.best.text


def test_the_role_asked_for_is_a_phrase_not_its_words_apart():
    """ "Siapa presiden pertama Lumbira?" is not answered by a paragraph that
    names Lumbira's president and, later in the sentence, a first election."""
    articles = [
        _article(
            1,
            "Lumbira memilih pemimpin",
            [
                "Presiden Lumbira, Arsen Dalimunthe, mengatakan pemilihan pertama digelar "
                "tahun depan.",
                "Warga menyambut baik rencana itu.",
            ],
        ),
        _article(2, "Sejarah Sendara", ["Presiden pertama Sendara adalah Wiranti Lubis."]),
        *[
            _article(n, f"Kabar {n}", [f"Pelabuhan {n} ramai.", "Nelayan datang."])
            for n in range(3, 8)
        ],
    ]
    retriever = Retriever.from_corpus(Corpus(tuple(articles)))
    declined = retriever.ask("Siapa presiden pertama Lumbira?")
    assert not declined.answered and declined.missing == ("presiden pertama",)
    answered = retriever.ask("Siapa presiden pertama Sendara?")
    assert answered.best is not None and "Wiranti Lubis" in answered.best.text
