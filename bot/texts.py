"""The bot's fixed Indonesian copy: notices, usage hints, help.

Kept apart from the renderers so the wording can be reviewed in one place.
HTML where it has tags; everything interpolated is escaped.
"""

from __future__ import annotations

from bot.render import LATEST_DEFAULT, LATEST_MAX, e

NO_ANSWER = (
    "Maaf, saya belum menemukan jawabannya di arsip berita saya.\n"
    "Coba ajukan lagi dengan kata-kata yang lebih spesifik (nama tokoh, tempat, atau"
    " peristiwa), atau lihat berita terbaru dengan /latest."
)
USAGE_TANYA = "Tulis pertanyaan Anda setelah perintahnya, misalnya:\n<code>/tanya {example}</code>"
USAGE_LATEST = (
    f"Pemakaian: <code>/latest</code> atau <code>/latest n</code>, dengan n angka 1–{LATEST_MAX}."
    f" Contoh: <code>/latest 3</code>"
)
USAGE_MENTION = (
    "Ada yang bisa saya bantu? Tulis pertanyaan Anda bersama {mention}, misalnya:\n"
    "{mention} {example}"
)
STALE_BUTTON = "Tombol ini sudah tidak berlaku."
NO_MORE_RESULTS = "Tidak ada hasil lain untuk pertanyaan ini."
SUMBER_NOT_AN_ANSWER = (
    "Pesan itu bukan jawaban yang bisa saya rujuk sumbernya. Balas salah satu jawaban saya"
    " dengan /sumber."
)
SUMBER_NO_RELATED = "Tidak ada artikel di arsip yang cocok dengan kata-kata itu."
NOT_ADMIN = "Maaf, statistik hanya tersedia untuk admin bot."
STATS_PRIVATE_ONLY = "Statistik hanya saya kirim lewat obrolan pribadi dengan admin."
STATS_UNAVAILABLE = "Maaf, catatan pertanyaan sedang tidak bisa dibaca."
ERROR_MESSAGE = (
    "Maaf, terjadi kesalahan saat memproses permintaan Anda. Silakan coba lagi sebentar lagi."
)
UNKNOWN_COMMAND = "Perintah itu tidak saya kenal. Ketik /help untuk melihat perintah yang tersedia."
INLINE_HINT = "Ketik pertanyaan tentang berita"
INLINE_NOT_FOUND = "Belum ada jawaban di arsip — buka bot"
# Shown in /help: each must be answered from the seeds (an E2E test asks them).
EXAMPLE_QUESTIONS = (
    "Berapa nilai perdagangan bilateral Rusia dan China?",
    "Siapa pemasok minyak terbesar bagi China?",
    "Apakah Rusia dan China membangun aliansi militer?",
)


def render_help(bot_username: str | None, *, group: bool) -> str:
    mention = f"@{bot_username}" if bot_username else "nama bot"
    rows = [
        "Halo! Saya <b>TanyaBerita</b>. Saya menjawab pertanyaan tentang berita di arsip saya"
        " dengan kutipan paragrafnya dan sumbernya.",
        "",
        "<b>Contoh pertanyaan</b>",
        *(f"• {e(q)}" for q in EXAMPLE_QUESTIONS),
        "",
        "<b>Perintah</b>",
        "/tanya &lt;pertanyaan&gt; — ajukan pertanyaan",
        f"/latest [n] — n berita terbaru (bawaan {LATEST_DEFAULT}, maks. {LATEST_MAX})",
        "/sumber — balas jawaban saya untuk melihat sumber lengkapnya; tanpa balasan: daftar"
        " sumber arsip; dengan kata-kata: artikel yang paling relevan",
        "/help — bantuan ini",
        "",
    ]
    if group:
        rows.append(
            f"Di grup, saya hanya menjawab bila disapa: pakai /tanya, sebut {e(mention)} dalam"
            " pesan, atau balas pesan saya."
        )
    else:
        rows.append("Di obrolan pribadi, cukup kirim pertanyaan Anda langsung.")
    if bot_username:
        rows.append(f"Di obrolan mana pun, ketik {e(mention)} lalu pertanyaan (mode inline).")
    return "\n".join(rows)


def usage_tanya() -> str:
    return USAGE_TANYA.format(example=e(EXAMPLE_QUESTIONS[0]))


def usage_mention(bot_username: str | None) -> str:
    mention = e(f"@{bot_username}" if bot_username else "nama bot")
    return USAGE_MENTION.format(mention=mention, example=e(EXAMPLE_QUESTIONS[0]))
