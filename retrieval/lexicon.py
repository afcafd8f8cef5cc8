"""Word lists for Indonesian text analysis: aliases, chat forms, function words.

These lists are general-purpose Indonesian, not tuned to any question: they
describe how people write (and abbreviate) names and words, and which words
carry no topic. Every entry is lower-case and already NFKC/case folded.
Applied to documents and queries alike, except ``QUERY_FUNCTION_WORDS``
(queries only: the index keeps every word and lets IDF weigh it).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# Names written several ways in Indonesian news. The value is the canonical
# spelling; multi-word keys are matched before single words.
_NAME_ALIASES: dict[str, str] = {
    # China
    "cina": "china",
    "tiongkok": "china",
    "rrt": "china",
    "rrc": "china",
    "prc": "china",
    "republik rakyat tiongkok": "china",
    "republik rakyat china": "china",
    "republik rakyat cina": "china",
    # United States
    "amerika serikat": "amerika serikat",  # so "amerika" below does not match inside it
    "as": "amerika serikat",
    "amerika": "amerika serikat",
    "usa": "amerika serikat",
    # Russia and places
    "federasi rusia": "rusia",
    "moskwa": "moskow",
    "moscow": "moskow",
    "peking": "beijing",
    "uni soviet": "soviet",
    # institutions and offices
    "menhan": "menteri pertahanan",
    "kemenhan": "kementerian pertahanan",
    "menlu": "menteri luar negeri",
    "kemenlu": "kementerian luar negeri",
    "mendag": "menteri perdagangan",
    "wapres": "wakil presiden",
    "presdir": "presiden direktur",
    "pm": "perdana menteri",
    "dubes": "duta besar",
    "kepala negara": "presiden",
    "kemlu": "kementerian luar negeri",
    "militer-politik": "militer politik",
}

# Compounds written solid or hyphenated, and spelling variants.
_SPELLING: dict[str, str] = {
    "kerjasama": "kerja sama",
    "bekerjasama": "bekerja sama",
    "kerja-sama": "kerja sama",
    "milyar": "miliar",
    "trilyun": "triliun",
    "dollar": "dolar",
    "usd": "dolar amerika serikat",
    "negri": "negeri",
    "olympiade": "olimpiade",
    "export": "ekspor",
    "import": "impor",
    "praktek": "praktik",
    "analisa": "analisis",
    "sistim": "sistem",
}

# Chat and SMS forms (Indonesian "bahasa gaul") mapped to standard words.
_CHAT_FORMS: dict[str, str] = {
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "ngak": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "brp": "berapa",
    "knp": "kenapa",
    "napa": "kenapa",
    "kpn": "kapan",
    "dmn": "dimana",
    "gmn": "bagaimana",
    "gmana": "bagaimana",
    "gimana": "bagaimana",
    "bgmn": "bagaimana",
    "sapa": "siapa",
    "utk": "untuk",
    "sm": "sama",
    "ama": "sama",
    "dr": "dari",
    "krn": "karena",
    "karna": "karena",
    "tsb": "tersebut",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "blm": "belum",
    "sblm": "sebelum",
    "stlh": "setelah",
    "jg": "juga",
    "aja": "saja",
    "lg": "lagi",
    "skrg": "sekarang",
    "tp": "tapi",
    "tpi": "tapi",
    "pd": "pada",
    "kalo": "kalau",
    "klo": "kalau",
    "emang": "memang",
    "emg": "memang",
    "sy": "saya",
    "gw": "saya",
    "gue": "saya",
    "gua": "saya",
    "aku": "saya",
    "org": "orang",
    "thn": "tahun",
    "bln": "bulan",
    "tgl": "tanggal",
    "ttg": "tentang",
    "bkn": "bukan",
    "sbg": "sebagai",
    "spt": "seperti",
    "kyk": "seperti",
    "kayak": "seperti",
    "jd": "jadi",
    "jdi": "jadi",
    "trs": "terus",
    "trus": "terus",
    "bikin": "membuat",
    "ketemu": "bertemu",
    "ktemu": "bertemu",
    "ngomong": "berbicara",
    "bilang": "mengatakan",
    "nyebut": "menyebut",
    "ngasih": "memberi",
    "gede": "besar",
    "duit": "uang",
    "nerima": "menerima",
    "bareng": "bersama",
    "barengan": "bersama",
    "pas": "saat",
    "tetep": "tetap",
    "dateng": "datang",
    "abis": "habis",
    "ampe": "sampai",
    "gitu": "begitu",
    "gini": "begini",
    # English loanwords common in Indonesian chat
    "video call": "panggilan video",
    "vidcall": "panggilan video",
    "vc": "panggilan video",
    "meeting": "pertemuan",
    "summit": "ktt",
    "online": "daring",
}

# One mapping for documents and queries: alias -> canonical words.
ALIASES: Final = MappingProxyType({**_SPELLING, **_CHAT_FORMS, **_NAME_ALIASES})
MAX_ALIAS_WORDS: Final = max(len(k.split()) for k in ALIASES)

# Words pruned from queries only: question words, conjunctions, prepositions,
# pronouns, particles and chat fillers. Content words that Sastrawi's stop list
# drops (kerja, sama, baru, tidak, ...) are deliberately NOT here: in "kerja
# sama" or "era baru" they are the topic.
QUERY_FUNCTION_WORDS: Final = frozenset(
    """
    apa apakah apa-apa siapa siapakah berapa berapakah kapan kapankah mengapa kenapa
    bagaimana bagaimanakah dimana kemana manakah mana seberapa benarkah betulkah
    ngapain tanggal
    yang dan atau serta di ke dari pada dalam untuk dengan oleh kepada bagi tentang
    terhadap sebagai antara akan sudah telah sedang masih pernah bisa dapat boleh harus
    ini itu tersebut adalah ialah merupakan yaitu yakni saja juga pun lah kah sih dong deh
    kok ya nih tuh kan lho loh kah tah bahwa karena jika kalau agar supaya sehingga
    namun tetapi tapi melainkan saat ketika sewaktu selama walau walaupun meski meskipun
    soal mengenai perihal terkait seputar
    saya kamu anda kita kami engkau dia ia beliau mereka nya
    tolong mohon coba jelaskan sebutkan ceritakan beritahu beri info informasi
    mau ingin pengen tanya nanya bertanya tahu tau apa-apa
    halo hai hi hello hey pagi siang sore malam selamat terima kasih makasih thanks
    bot min admin kak kakak bro gan sis bang mas mbak pak bu om
    the a an of is are was were what who when where why how which do does did
    berita artikel kabar
    """.split()
)

# Query-side synonym classes of news prose: a question's verb of saying or
# meeting matches whichever one the reporter used ("ujar", "tutur", "kata").
# Standard forms; they are stemmed like everything else.
QUERY_SYNONYMS: Final = (
    frozenset("kata mengatakan berkata ujar tutur ungkap bicara berbicara menyatakan".split()),
    frozenset("temu bertemu pertemuan jumpa berjumpa".split()),
    frozenset("tanggap tanggapan jawab menjawab respons merespons balas".split()),
    frozenset("kunjung kunjungan perjalanan lawatan".split()),
)

# Sentence-final and clause particles written attached to a word ("itukah",
# "meskipun") and the possessive/object clitic "-nya".
CLITICS: Final = ("nya", "lah", "kah", "pun")
