"""Quotes: a binding, line-by-line price for a household's items."""

from ewaste.pricing.queries import QuoteLineView, QuoteView, open_quotes_of, quote_by_id
from ewaste.pricing.rules import (
    IllegalQuoteTransition,
    InvalidQuoteRequest,
    ItemRequest,
    QuoteExpired,
    QuoteNotFound,
    QuoteStatus,
)
from ewaste.pricing.services import book_quote, create_quote, expire_due_quotes, get_quote

__all__ = [
    "IllegalQuoteTransition",
    "InvalidQuoteRequest",
    "ItemRequest",
    "QuoteExpired",
    "QuoteLineView",
    "QuoteNotFound",
    "QuoteStatus",
    "QuoteView",
    "book_quote",
    "create_quote",
    "expire_due_quotes",
    "get_quote",
    "open_quotes_of",
    "quote_by_id",
]
