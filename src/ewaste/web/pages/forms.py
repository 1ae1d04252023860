"""Reading posted forms into the typed values services take.

Form fields arrive as text. These helpers turn them into ints, grams, Money, unit
codes and UTC instants, raising an `InvalidInput` subclass (shown beside the form
like any domain error) for anything that cannot be read. Masses and money are
parsed with `Decimal`, never through a float.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

from starlette.datastructures import FormData

from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.digits import is_digits
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.ids import MAX_ID
from ewaste.kernel.money import Currency, InvalidAmount, Money

MAX_FORM_GRAMS: Final = 100_000_000  # 100 t, the kernel's ceiling for one load

# Shapes checked before Decimal sees the text: no exponents, no NaN, bounded length.
_YUAN: Final = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")
_KG: Final = re.compile(r"[0-9]{1,6}([.,][0-9]{1,6})?")
_DEGREES: Final = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,10})?")


class MissingField(InvalidInput):
    """A required form field is empty."""

    code = "pages.missing_field"
    message = "Please fill in every required field."


class InvalidNumber(InvalidInput):
    """A field that must hold a whole number does not."""

    code = "pages.invalid_number"
    message = "Enter a whole number."


class InvalidCoordinate(InvalidInput):
    """A latitude or longitude that is not a decimal number."""

    code = "pages.invalid_coordinate"
    message = "Enter the position in decimal degrees, e.g. 22.5223."


class InvalidWeight(InvalidInput):
    """A weight that is not a positive number of kilograms with at most three decimals."""

    code = "pages.invalid_weight"
    message = "Enter each weight in kilograms, e.g. 12.5 (at most 3 decimals)."


class InvalidSlot(InvalidInput):
    """A pickup time slot that is not one of the offered ones."""

    code = "pages.invalid_slot"
    message = "Choose one of the offered time slots."


class NothingToQuote(InvalidInput):
    """A quote form with no item row filled in."""

    code = "pages.nothing_to_quote"
    message = "Choose at least one item and how many."


class WorksUnknown(InvalidInput):
    """An item row of the quote form that does not say whether the item works."""

    code = "pages.works_unknown"
    message = "Say for each item whether it still works."


class AttributeOutOfRange(InvalidInput):
    """A number attribute (screen size, volume, …) outside its range or not a whole number.

    The context carries the attribute's name and unit in both languages so that each
    catalog's template picks its own (`translate_error` fills it from the same context).
    """

    code = "pages.attribute_out_of_range"
    message = "{name_en}: enter a whole number from {minimum} to {maximum}{unit_en}."


class AttributeNotOffered(InvalidInput):
    """A choice attribute (technology, type, …) set to something the list does not offer."""

    code = "pages.attribute_not_offered"
    message = "{name_en}: choose one of the options offered."


class InvalidDate(InvalidInput):
    """A date that is not a calendar day written YYYY-MM-DD."""

    code = "pages.invalid_date"
    message = "Enter the date as YYYY-MM-DD, e.g. 2026-12-01."


class NoFile(InvalidInput):
    """An upload form posted without a file, or with an empty one."""

    code = "pages.no_file"
    message = "Choose a CSV file to upload."


class FileTooLarge(InvalidInput):
    """An uploaded file over the size the form accepts."""

    code = "pages.file_too_large"
    message = "The file is too large (at most {limit_mb} MB)."


class NotUtf8(InvalidInput):
    """An uploaded text file that is not UTF-8."""

    code = "pages.not_utf8"
    message = "The file must be UTF-8 text."


MAX_UPLOAD_BYTES: Final = 2 * 1024 * 1024


def text(form: FormData, name: str, *, required: bool = True) -> str:
    """The trimmed text of field `name`; MissingField when required and empty."""
    value = form.get(name)
    result = value.strip() if isinstance(value, str) else ""
    if required and not result:
        raise MissingField
    return result


def texts(form: FormData, name: str) -> list[str]:
    """Every value of a repeated field, trimmed, in form order."""
    return [v.strip() if isinstance(v, str) else "" for v in form.getlist(name)]


def whole_number(value: str) -> int:
    """A whole number typed into a form; InvalidNumber otherwise."""
    value = value.strip()
    if not value or not is_digits(value.removeprefix("-")) or len(value) > 12:
        raise InvalidNumber
    number = int(value)
    if abs(number) > MAX_ID:  # nothing we store counts or numbers beyond a row id
        raise InvalidNumber
    return number


def grams_from_kg(value: str, *, allow_zero: bool = False) -> int:
    """Integer grams from kilograms typed as a decimal ("12.5" → 12500); InvalidWeight otherwise."""
    if not _KG.fullmatch(value.strip()):
        raise InvalidWeight
    grams = Decimal(value.strip().replace(",", ".")) * 1000
    if grams != grams.to_integral_value() or grams < 0 or grams > MAX_FORM_GRAMS:
        raise InvalidWeight
    if grams == 0 and not allow_zero:
        raise InvalidWeight
    return int(grams)


def yuan(value: str) -> Money:
    """Money from yuan typed as a decimal ("480", "1,480.50"); InvalidAmount otherwise.

    The shape is checked before parsing (as the API's MoneyIn does), so an exponent
    or a huge number never reaches Decimal arithmetic.
    """
    cleaned = value.strip().replace(",", "")
    if not _YUAN.fullmatch(cleaned):
        raise InvalidAmount(value=value, currency=Currency.CNY)
    return Money.parse(cleaned)


def unit_codes(value: str) -> list[str]:
    """Unit codes typed or scanned one per line (commas and spaces also separate)."""
    return [code for code in value.replace(",", "\n").split() if code]


def coordinate(value: str) -> float:
    """A latitude or longitude in decimal degrees (GeoPoint checks the range)."""
    if not _DEGREES.fullmatch(value.strip()):
        raise InvalidCoordinate
    return float(Decimal(value.strip()))


def slot_start(value: str) -> datetime:
    """The UTC start of a slot posted as local China time "YYYY-MM-DDTHH:MM"."""
    try:
        naive = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")  # noqa: DTZ007 - local time
    except ValueError:
        raise InvalidSlot from None
    return naive.replace(tzinfo=CHINA_TIME)


def china_midnight(value: str) -> datetime:
    """The UTC instant of midnight China time starting day "YYYY-MM-DD" (InvalidDate)."""
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d")  # noqa: DTZ007 - local day
    except ValueError:
        raise InvalidDate from None
    return day.replace(tzinfo=CHINA_TIME).astimezone(UTC)


def uploaded_text(form: FormData, name: str, *, limit: int = MAX_UPLOAD_BYTES) -> str:
    """The UTF-8 text of the file uploaded as `name` (NoFile, FileTooLarge, NotUtf8)."""
    upload = form.get(name)
    if isinstance(upload, str) or upload is None:
        raise NoFile
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit_mb=limit // (1024 * 1024))
    if not data.strip():
        raise NoFile
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotUtf8 from None


SLOT_LENGTH: Final = timedelta(hours=2)
SLOT_HOURS: Final = (8, 10, 12, 14, 16, 18)
SLOT_DAYS: Final = 7


def offered_slots(now: datetime) -> list[tuple[datetime, datetime]]:
    """Two-hour pickup slots from 08:00 to 20:00 China time, next 7 days, starting after `now`."""
    today = now.astimezone(CHINA_TIME).replace(hour=0, minute=0, second=0, microsecond=0)
    slots: list[tuple[datetime, datetime]] = []
    for day in range(SLOT_DAYS + 1):
        for hour in SLOT_HOURS:
            start = today + timedelta(days=day, hours=hour)
            if start > now and len(slots) < SLOT_DAYS * len(SLOT_HOURS):
                slots.append((start, start + SLOT_LENGTH))
    return slots
