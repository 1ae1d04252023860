"""Pricing: quotes built from what items are made of, and versioned price inputs."""

from ewaste.pricing.book import PriceBookCache
from ewaste.pricing.engine import LineKind
from ewaste.pricing.queries import (
    PriceInputView,
    QuoteItemView,
    QuoteLineView,
    QuoteView,
    open_quotes_of,
    quote_by_id,
)
from ewaste.pricing.rules import (
    IllegalQuoteTransition,
    InvalidPriceInput,
    InvalidQuoteRequest,
    ItemRequest,
    NoLocation,
    NoPriceBook,
    PriceKind,
    QuoteExpired,
    QuoteNotFound,
    QuoteStatus,
)
from ewaste.pricing.services import (
    book_quote,
    create_quote,
    expire_due_quotes,
    get_quote,
    import_price_csv,
    load_seed_prices,
    price_history,
    price_items,
    record_price_input,
)

__all__ = [
    "IllegalQuoteTransition",
    "InvalidPriceInput",
    "InvalidQuoteRequest",
    "ItemRequest",
    "LineKind",
    "NoLocation",
    "NoPriceBook",
    "PriceBookCache",
    "PriceInputView",
    "PriceKind",
    "QuoteExpired",
    "QuoteItemView",
    "QuoteLineView",
    "QuoteNotFound",
    "QuoteStatus",
    "QuoteView",
    "book_quote",
    "create_quote",
    "expire_due_quotes",
    "get_quote",
    "import_price_csv",
    "load_seed_prices",
    "open_quotes_of",
    "price_history",
    "price_items",
    "quote_by_id",
    "record_price_input",
]
