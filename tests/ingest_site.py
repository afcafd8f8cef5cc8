"""A tiny invented Indonesian news site on 127.0.0.1 for the ingest tests.

Every page is our own invented text, laid out like a real outlet's page (og
tags, a dateline, menus, "Baca juga", share widgets, a footer). The site also
serves the bad inputs ``tanyaberita add`` must refuse: a 404, a PDF, a redirect
loop, a slow page, an oversized page, an English page, an index page, and an
RSS feed that answers 304 to a matching ``If-None-Match``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

SITE = "Kabar Nusantara"


def article_page(
    *,
    title: str,
    published: str,
    dateline: str,
    paragraphs: list[str],
    canonical: str | None = None,
    author: str = "Rina Marlina",
    site: str = SITE,
) -> str:
    """An article page in a typical Indonesian outlet's shape."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs[:2])
    body += '\n<p class="baca-juga"><strong>Baca juga:</strong> <a href="/x">Harga Cabai</a></p>\n'
    body += "\n".join(f"<p>{p}</p>" for p in paragraphs[2:])
    first = paragraphs[0]
    canonical_tag = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>{title} - {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{author}">
{canonical_tag}
</head><body>
<header><nav><a href="/">Beranda</a> | <a href="/nasional">Nasional</a> |
<a href="/ekonomi">Ekonomi</a> | <a href="/olahraga">Olahraga</a></nav></header>
<main><article>
<h1>{title}</h1>
<div class="byline">Penulis: {author} | Editor: Budi Santoso</div>
<div class="share">Bagikan: Facebook Twitter WhatsApp Salin link</div>
<div class="content"><p>{dateline} - {first}</p>
{body.replace(f"<p>{first}</p>", "", 1)}
</div>
<div class="tags">Tag: ekonomi, pangan</div>
</article></main>
<aside><h3>Terpopuler</h3><ul><li><a href="/a">Lima Tips Hemat Belanja</a></li>
<li><a href="/b">Jadwal Kereta Lebaran</a></li></ul></aside>
<footer>Copyright 2025 {site}. Seluruh hak cipta dilindungi.</footer>
</body></html>"""


BERAS = {
    "title": "Harga Beras Medium di Pasar Induk Naik Jadi Rp14.500",
    "published": "2025-06-18T09:30:00+07:00",
    "dateline": "JAKARTA, Kabar Nusantara",
    "paragraphs": [
        "Harga beras medium di Pasar Induk Beras Cipinang naik menjadi Rp14.500 per kilogram"
        " pada Rabu pagi, menurut para pedagang yang ditemui di lokasi.",
        "Kenaikan itu dipicu berkurangnya pasokan gabah dari sentra produksi di Jawa Tengah"
        " akibat musim kemarau yang lebih panjang dari perkiraan.",
        "Ketua paguyuban pedagang, Haryanto, mengatakan stok di gudang pasar kini hanya"
        " cukup untuk sepuluh hari ke depan.",
        "Pemerintah berjanji menggelar operasi pasar dalam waktu dekat untuk menahan"
        " kenaikan harga di tingkat konsumen.",
    ],
}

BANJIR = {
    "title": "Banjir Rendam Ratusan Rumah di Kecamatan Sungai Lebar",
    "published": "2025-06-19T16:45:00+07:00",
    "dateline": "PALEMBANG, Kabar Nusantara",
    "paragraphs": [
        "Banjir setinggi satu meter merendam 412 rumah warga di Kecamatan Sungai Lebar"
        " setelah hujan deras mengguyur sejak Rabu malam.",
        "Badan Penanggulangan Bencana Daerah mencatat tidak ada korban jiwa, namun 97"
        " keluarga terpaksa mengungsi ke balai desa.",
        "Petugas membuka dapur umum dan menyalurkan air bersih ke lokasi pengungsian"
        " sejak Kamis pagi.",
        "Warga berharap pemerintah segera memperbaiki tanggul yang jebol di tepi sungai.",
    ],
}

GEMPA = {
    "title": "Gempa Magnitudo 5,1 Guncang Pesisir Selatan Pulau Seram",
    "published": "2025-06-20T03:12:00+09:00",
    "dateline": "AMBON, Kabar Nusantara",
    "paragraphs": [
        "Gempa bermagnitudo 5,1 mengguncang pesisir selatan Pulau Seram pada Jumat dini"
        " hari dan terasa hingga Kota Ambon.",
        "Badan Meteorologi, Klimatologi, dan Geofisika menyatakan gempa itu tidak"
        " berpotensi tsunami karena pusatnya berada di darat.",
        "Sejumlah warga sempat keluar rumah, tetapi belum ada laporan kerusakan bangunan"
        " dari pemerintah daerah.",
        "Petugas masih memantau kemungkinan gempa susulan selama dua hari ke depan.",
    ],
}

ENGLISH = """<!DOCTYPE html><html lang="en"><head><title>City council approves new budget</title>
<meta property="og:title" content="City council approves new budget"></head><body><article>
<h1>City council approves new budget</h1>
<p>The city council approved a new budget on Monday after weeks of debate over funding for
public transport, schools and road repairs across the northern districts.</p>
<p>The mayor said the plan would keep taxes flat while adding three new bus routes and
hiring more teachers, although critics warned the numbers relied on optimistic forecasts.</p>
<p>A final vote on the transport package is expected next month, when the council will also
review the cost of repairing the bridge that closed after the spring floods.</p>
</article></body></html>"""

INDEX_PAGE = """<!DOCTYPE html><html lang="id"><head><title>Berita Terkini - Kabar Nusantara</title>
</head><body><nav>Beranda | Nasional | Ekonomi</nav><h1>Berita Terkini</h1><ul>
<li><a href="/berita/beras">Harga Beras Medium Naik</a></li>
<li><a href="/berita/banjir">Banjir Rendam Ratusan Rumah</a></li>
<li><a href="/berita/gempa">Gempa Guncang Pulau Seram</a></li>
</ul><footer>Copyright 2025 Kabar Nusantara</footer></body></html>"""

# A section page whose teasers are long enough to pass for article text: each card is a
# headline link, a time and a one-sentence teaser.
SECTION_TEASERS = [
    (
        "Harga beras di Pasar Kramat Jati turun setelah panen raya",
        "Pedagang menyebut pasokan"
        " dari Karawang dan Indramayu melimpah sejak awal bulan sehingga harga ikut turun.",
    ),
    (
        "Banjir rob rendam ratusan rumah di pesisir Pekalongan",
        "Air laut pasang setinggi"
        " setengah meter masuk ke permukiman warga sejak Selasa sore dan belum surut.",
    ),
    (
        "Gempa magnitudo 5,1 guncang Maluku Tengah tanpa potensi tsunami",
        "Badan Meteorologi mencatat pusat gempa berada di laut pada kedalaman sepuluh kilometer.",
    ),
    (
        "Pemkot Bandung perpanjang jam operasional bus kota",
        "Bus kota kini beroperasi hingga"
        " pukul sepuluh malam untuk melayani pekerja yang pulang larut.",
    ),
    (
        "Ribuan warga padati festival budaya di alun-alun Purwokerto",
        "Festival tahunan itu"
        " menampilkan kesenian tradisional dari dua puluh tujuh kecamatan di Banyumas.",
    ),
]
SECTION_PAGE = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Daerah - Kabar'
    ' Nusantara</title></head><body><h1>Daerah</h1><div class="daftar">'
    + "".join(
        f'<div class="kartu"><a href="/daerah/{n}">{title}</a><span>{n + 1} jam lalu</span>'
        f"<p>{teaser}</p></div>"
        for n, (title, teaser) in enumerate(SECTION_TEASERS)
    )
    + "</div></body></html>"
)

TEXT_ARTICLE = (
    "\n\n".join(
        [
            "Bandara Baru di Pulau Rote Mulai Beroperasi Bulan Depan",
            "Kamis, 12 Juni 2025 14:20 WIB",
            "Bagikan",
            "KUPANG - Bandara baru di Pulau Rote akan mulai melayani penerbangan komersial pada"
            " bulan depan setelah uji coba landasan selesai pekan ini.",
            "Kepala dinas perhubungan provinsi, Yohanes Ndun, mengatakan landasan sepanjang"
            " 2.100 meter itu mampu didarati pesawat berbadan sedang.",
            "Baca juga: Harga Tiket Kapal Naik",
            "Maskapai pertama yang dijadwalkan terbang adalah rute Kupang-Rote dengan tiga"
            " penerbangan setiap pekan.",
            "Warga berharap bandara itu membuka jalan bagi wisatawan yang selama ini harus"
            " menyeberang dengan kapal cepat.",
        ]
    )
    + "\n"
)


VIDEO_PAGE = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>VIDEO: Detik-detik Banjir Rendam Sungai Lebar - Kabar Nusantara</title>
<meta property="og:type" content="video.other"></head><body>
<nav>Beranda | Video | Foto</nav><article><h1>VIDEO: Detik-detik Banjir Rendam Sungai Lebar</h1>
<div class="player"><video src="/v/banjir.mp4" controls></video></div>
<p>Rekaman warga saat air mulai masuk ke permukiman.</p>
</article><footer>Copyright 2025 Kabar Nusantara</footer></body></html>"""

PAYWALL_PAGE = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Jejak Anggaran Tanggul yang Jebol - Kabar Nusantara</title></head><body>
<article><h1>Jejak Anggaran Tanggul yang Jebol</h1>
<p>Tanggul di tepi sungai itu dibangun tiga tahun lalu dengan anggaran miliaran rupiah.</p>
<div class="paywall"><p>Artikel ini khusus untuk pelanggan.</p>
<p>Berlangganan sekarang untuk membaca selengkapnya.</p></div>
</article></body></html>"""


@dataclass
class Site:
    """The running site: its base URL, the requests it saw, switches for tests."""

    base: str
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    beras_version: int = 1
    feed_etag: str = '"feed-v1"'

    def url(self, path: str) -> str:
        return self.base + path


def feed_xml(base: str) -> str:
    items = "".join(
        f"<item><title>{a['title']}</title><link>{base}{path}</link>"
        f"<guid>{base}{path}</guid><pubDate>Fri, 20 Jun 2025 08:00:00 +0700</pubDate></item>"
        for path, a in (("/berita/banjir", BANJIR), ("/berita/gempa", GEMPA))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{SITE}</title><link>{base}/</link><description>Berita terbaru</description>"
        f"{items}</channel></rss>"
    )


class Handler(BaseHTTPRequestHandler):
    site: ClassVar[Site]

    def log_message(self, format: str, *args: object) -> None:  # silence
        pass

    def _send(
        self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        site = self.site
        site.requests.append((self.path, dict(self.headers.items())))
        path = self.path.split("?")[0]
        html = "text/html; charset=utf-8"
        if path == "/berita/beras":
            data = dict(BERAS)
            if site.beras_version == 2:
                data["paragraphs"] = [
                    *BERAS["paragraphs"][:3],
                    "Pembaruan: Bulog menyalurkan 2.000 ton beras cadangan ke Pasar Induk"
                    " Cipinang pada Kamis sore untuk menahan kenaikan harga.",
                ]
            page = article_page(canonical=site.url("/berita/beras"), **data)  # type: ignore[arg-type]
            self._send(200, html, page.encode())
        elif path == "/berita/banjir":
            self._send(200, html, article_page(**BANJIR).encode())  # type: ignore[arg-type]
        elif path == "/berita/gempa":
            self._send(200, html, article_page(**GEMPA).encode())  # type: ignore[arg-type]
        elif path == "/teks.txt":
            self._send(200, "text/plain; charset=utf-8", TEXT_ARTICLE.encode())
        elif path == "/feed.xml":
            if self.headers.get("If-None-Match") == site.feed_etag:
                self.send_response(304)
                self.send_header("ETag", site.feed_etag)
                self.end_headers()
                return
            self._send(200, "application/rss+xml", feed_xml(site.base).encode(),
                       {"ETag": site.feed_etag})  # fmt: skip
        elif path == "/dokumen.pdf":
            self._send(200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop-lagi")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/loop-lagi":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/lambat":
            time.sleep(2.0)
            self._send(200, html, article_page(**BANJIR).encode())  # type: ignore[arg-type]
        elif path == "/besar":
            # No Content-Length: the cap must hold while streaming.
            self.send_response(200)
            self.send_header("Content-Type", html)
            self.end_headers()
            chunk = b"<p>" + b"isi berita panjang sekali " * 4000 + b"</p>\n"
            try:
                for _ in range(64):  # ~6.5 MB
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/english":
            self._send(200, html, ENGLISH.encode())
        elif path == "/indeks":
            self._send(200, html, INDEX_PAGE.encode())
        elif path == "/kanal":
            self._send(200, html, SECTION_PAGE.encode())
        elif path == "/video":
            self._send(200, html, VIDEO_PAGE.encode())
        elif path == "/premium":
            self._send(200, html, PAYWALL_PAGE.encode())
        else:
            self._send(404, html, b"<h1>Halaman tidak ditemukan</h1>")


class QuietServer(ThreadingHTTPServer):
    """A client that stops reading early (a refused PDF, a 404) makes the
    handler's write fail; socketserver would print that traceback to stderr,
    into whichever test's captured output is current."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def start() -> tuple[ThreadingHTTPServer, Site]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    site = Site(base=f"http://127.0.0.1:{port}")
    Handler.site = site
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, site
