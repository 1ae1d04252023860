"""Pricing: quotes built from what items are made of, and versioned price inputs."""

from ewaste.pricing.board import (
    CommodityPrice,
    IndexPoint,
    PriceBoard,
    ReferencePrice,
    price_board,
    price_index,
)
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
    "CommodityPrice",
    "IllegalQuoteTransition",
    "IndexPoint",
    "InvalidPriceInput",
    "InvalidQuoteRequest",
    "ItemRequest",
    "LineKind",
    "NoLocation",
    "NoPriceBook",
    "PriceBoard",
    "PriceBookCache",
    "PriceInputView",
    "PriceKind",
    "QuoteExpired",
    "QuoteItemView",
    "QuoteLineView",
    "QuoteNotFound",
    "QuoteStatus",
    "QuoteView",
    "ReferencePrice",
    "book_quote",
    "create_quote",
    "expire_due_quotes",
    "get_quote",
    "import_price_csv",
    "load_seed_prices",
    "open_quotes_of",
    "price_board",
    "price_history",
    "price_index",
    "price_items",
    "quote_by_id",
    "record_price_input",
]
