"""The bot's fixed Indonesian copy: notices, usage hints, help.

Kept apart from the renderers so the wording can be reviewed in one place.
HTML where it has tags; everything interpolated is escaped.
"""

from __future__ import annotations

# What /latest accepts: shown in the copy, enforced by bot.listings.
LATEST_DEFAULT = 5
LATEST_MAX = 100  # paged, ten to a page

DECLINE_HEAD = "Maaf, saya tidak menemukan jawabannya di arsip berita saya."
DECLINE_NEAREST = "Artikel terdekat:"
DECLINE_MISSING = "Kata yang tidak ada di arsip: {words}."
DECLINE_HINT = (
    "Coba ajukan lagi dengan kata-kata yang lebih spesifik (nama tokoh, tempat, atau"
    " peristiwa), atau lihat berita terbaru dengan /latest."
)
QUESTION_CUT = "<i>Pertanyaan Anda panjang sekali; saya hanya membaca {limit} pertamanya.</i>"
CUT_CHARS = "{n} karakter"
CUT_TERMS = "{n} kata"
SLOW_DOWN = "Pelan-pelan, ya. Saya jawab lagi sebentar lagi."
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
SUMBER_NOT_THE_BOTS = (
    "Pesan yang Anda balas bukan pesan saya. Balas salah satu jawaban saya dengan /sumber"
    " untuk melihat sumbernya, atau kirim /sumber saja untuk daftar sumber arsip."
)
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
HELP_INTRO = (
    "Halo! Saya <b>TanyaBerita</b>. Saya menjawab pertanyaan tentang berita di arsip saya"
    " dengan kutipan paragrafnya dan sumbernya."
)
HELP_EXAMPLES = "<b>Contoh pertanyaan</b>"
# An example built from an article's title (the bot checks that it is answered).
EXAMPLE_FROM_TITLE = "Apa isi berita “{title}”?"
EXAMPLE_FALLBACK = "Apa berita terbaru tentang ekonomi?"
HELP_COMMANDS = (
    "<b>Perintah</b>\n"
    "/tanya &lt;pertanyaan&gt; — ajukan pertanyaan\n"
    f"/latest [n] — n berita terbaru (bawaan {LATEST_DEFAULT}, maks. {LATEST_MAX})\n"
    "/sumber — balas jawaban saya untuk melihat sumber lengkapnya; tanpa balasan: daftar"
    " sumber arsip; dengan kata-kata: artikel yang paling relevan\n"
    "/help — bantuan ini"
)
HELP_GROUP = (
    "Di grup, saya hanya menjawab bila disapa: pakai /tanya, sebut {mention} dalam"
    " pesan, atau balas pesan saya."
)
HELP_PRIVATE = "Di obrolan pribadi, cukup kirim pertanyaan Anda langsung."
HELP_INLINE = "Di obrolan mana pun, ketik {mention} lalu pertanyaan (mode inline)."

# --- archive admin: /reload, /tambah (bot.reload, bot.admin) ---
ADMIN_ONLY = "Maaf, perintah ini hanya untuk admin bot."
RELOAD_DONE = "Arsip sudah dimuat ulang: {articles} artikel ({added} baru)."
RELOAD_FAILED = "Maaf, arsip gagal dimuat ulang; indeks lama tetap dipakai. Penyebab: {error}"
USAGE_TAMBAH = (
    "Pemakaian: <code>/tambah URL</code>, misalnya"
    " <code>/tambah https://www.contoh.co.id/berita/123</code>"
)
TAMBAH_FAILED = "Maaf, halaman itu tidak bisa ditambahkan. Penyebab: {error}"
TAMBAH_DUPLICATE = "Artikel ini sudah ada di arsip: {title}"
TAMBAH_UPDATE = "URL ini sudah ada di arsip; teksnya akan diperbarui."
TAMBAH_CONFIRM = "Tambahkan ke arsip?"
TAMBAH_ADD_BUTTON = "Tambahkan"
TAMBAH_CANCEL_BUTTON = "Batal"
TAMBAH_ADDED = "Sudah ditambahkan ke arsip: {title}\nArtikel ini sekarang bisa ditanyakan."
TAMBAH_CANCELLED = "Dibatalkan; tidak ada yang ditambahkan."
TAMBAH_STORE_FAILED = "Maaf, artikel gagal disimpan ke arsip. Silakan coba lagi."
STATS_CHART_CAPTION = "Pertanyaan per hari, 30 hari terakhir: terjawab dan tidak terjawab."
LATEST_PREVIOUS = "« Sebelumnya"
LATEST_NEXT = "Berikutnya »"
