"""/latest's "Sebelumnya"/"Berikutnya" buttons: the page is edited in place.

Stateless: the button says how long the list is and which page to show, and the
list is read again from the current index (a reload meanwhile shows the new one).
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import listings, texts
from bot.services import services


async def latest_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    parsed = listings.parse_latest_data(query.data)
    if parsed is None or not isinstance(query.message, Message):
        await query.answer(texts.STALE_BUTTON)
        return
    n, page = parsed
    text, markup = listings.latest_page(services(context).retriever.corpus.newest(n), page)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # the same page pressed twice
        if "not modified" not in str(exc).lower():
            raise
    await query.answer()
