"""Parse and format Chinese money amounts, exactly, in 万元 (CNY).

Every amount is a :class:`~decimal.Decimal` in 万元 (1亿 = 10,000万, 1万亿 = 10,000亿); floats are
never used and nothing is rounded: ``parse_amount("0.01元").value_wan == Decimal("0.000001")``.

Parsing (:func:`parse_amount`) understands

* Arabic digits with optional thousands separators (``1,250``, ``1，250``), full-width digits,
  decimals and stray spaces (``306 亿元``);
* Chinese numerals, simplified, traditional and financial (``五千万``, ``一千二百万``, ``两亿``,
  ``壹亿贰仟万``, ``一点二万亿``, ``3.6億``), and Arabic digits mixed with Chinese units (``3千万``,
  ``1.2万亿``, ``150百万``); colloquial ``一千二`` means 1200 and ``一千零二`` 1002;
* English scale words after a number: ``thousand``/``k``, ``million``/``mn``/``m``,
  ``billion``/``bn``, ``trillion``/``tn``;
* currencies, before or after the number: CNY (``元``, ``人民币``, ``RMB``, ``CNY``, ``¥``,
  ``yuan``), USD (``美元``, ``美金``, ``USD``, ``US$``, ``$``, ``US dollars``), HKD (``港元``,
  ``港币``, ``HK$``), EUR (``欧元``, ``€``), JPY (``日元``, ``yen``), GBP (``英镑``, ``£``), KRW
  (``韩元``, ``₩``), SGD (``新加坡元``, ``新元``, ``S$``), TWD (``新台币``, ``台币``, ``NT$``). A
  bare ``元`` fits any currency named elsewhere (``港币2.5亿元`` is HKD);
* qualifiers (:class:`Qualifier`), see the tables ``_QUALIFIER_WORDS`` below. Decisions:

  - ``余`` and ``多`` (``10余亿元``, ``100多亿``, ``3000余万元``, ``5亿多元``) mean "more than",
    so they give ``AT_LEAST`` with the stated round number as the value;
  - ``近``/``将近``/``接近``/``nearly``/``almost`` ("close to") give ``APPROX``, like ``约``;
  - strict bounds are folded into the inclusive ones: ``超``/``逾``/``over``/``more than`` give
    ``AT_LEAST``, ``不足``/``不到``/``少于``/``less than``/``under`` give ``AT_MOST``;
  - two qualifiers that disagree (``约10余亿元``) are an error; the same one twice
    (``超过100亿元以上``) is accepted.

Units: a number with no unit of 万 or more, no scale word of a million or more and no currency
(``12345``, ``约5000``, ``五千``) is read in ``default_unit`` (``"万元"`` unless told otherwise;
``"元"``, ``"千元"``, ``"百万元"``, ``"千万元"``, ``"亿元"`` and ``"万亿元"`` are accepted too). As soon as such a unit, scale word or
currency is present the number is read literally in units of the currency: ``12345元`` is 1.2345万,
``10万`` is 10万, ``3亿`` is 30,000万 and ``CNY 5,000`` is 0.5万. Zero is allowed; negative amounts
are refused. Errors raise :class:`AmountError` whose message names the text, Chinese first then
English.

Foreign currencies are converted with :func:`convert_to_cny_wan` using :data:`RATES`.

Exchange rates
--------------
One rate per currency, read from the rate table ``lib/data/rates.csv`` (columns ``currency``,
``rate`` in CNY per 1 unit, ``date`` the last day of the period the rate is for, ``source``).
Every conversion uses it, whatever the face (ledger form, Excel import, news extractor, demo)
and whatever the date of the text, so one foreign amount is the same 万元 figure everywhere;
the rate and its date are kept with each converted amount. The shipped table holds the 2023
yearly averages of the central parity rate (人民币汇率中间价, PBoC/CFETS), the year of the
seed article: good enough to compare the size of projects, not for accounting. To change a
rate, edit the file and restart; :func:`use_rate_table` loads another file of the same shape.

Formatting (:func:`format_wan`) is the inverse: ``306亿元``, ``5000万元``, ``超100亿元``,
``CNY 30.6 billion``, ``over CNY 5 million``; every output parses back to the same value and
qualifier.

Pure Python, no Django.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from zhaoshang.lib.textnorm import normalise_text

__all__ = [
    "CURRENCIES",
    "MAX_WAN",
    "RATES",
    "RATE_TABLE",
    "Amount",
    "AmountError",
    "Qualifier",
    "Rate",
    "bare_number_choices",
    "convert_to_cny_wan",
    "format_wan",
    "format_wan_rounded",
    "in_language",
    "parse_amount",
    "rate_for",
    "read_rate_table",
    "use_rate_table",
]

# The largest amount the ledger keeps, exclusive: 10^12 万元 (10^16 yuan) is beyond any
# project and any budget, and well within the columns (20 digits, 6 after the point, hold
# up to 10^14). A 21-digit figure is a typing slip, refused with this limit in the message.
MAX_WAN = Decimal("1E12")


class Qualifier(str, enum.Enum):  # noqa: UP042 - str() stays "Qualifier.X" as specified
    """How the stated amount relates to the real one."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    APPROX = "approx"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class Amount:
    """A parsed money amount.

    ``value_wan`` is in 万元 CNY (converted if the text was in a foreign currency); ``original`` is
    the amount in 万 units of its own ``currency`` (``15亿美元`` -> 150000); ``rate`` is the CNY
    per 1 unit of currency used for the conversion and ``rate_date`` the date of that table entry,
    both ``None`` for CNY; ``text`` is the input, stripped.
    """

    value_wan: Decimal
    qualifier: Qualifier
    currency: str
    original: Decimal
    rate: Decimal | None
    rate_date: datetime.date | None
    text: str
    #: False for a bare number (``30``, ``约5000``, ``五千``): no unit of 万 or more, no scale
    #: word of a million or more and no currency, so its size came from ``default_unit``.
    #: A person typing into a form is asked which unit they meant (:func:`bare_number_choices`).
    unit_given: bool = True


class AmountError(ValueError):
    """An amount that cannot be read, or a refused one (negative, unknown currency).

    The message names the value, Chinese first then English, e.g.
    ``无法识别的金额：“abc” / Unrecognised amount: "abc"``. ``text`` holds the value. A page
    shows one language only: ``exc.in_language("en")``, or :func:`in_language` for a message
    already kept as text (an import's problem list).
    """

    def __init__(self, message: str, *, text: str | None = None) -> None:
        super().__init__(message)
        self.text = text

    def in_language(self, lang: str) -> str:
        return in_language(str(self), lang)


# The English halves of the messages of this module (after " / "): how a kept message is cut.
_EN_STARTS = (
    "Unrecognised amount: ",
    "Amount must not be negative: ",
    "Amount must be finite: ",
    "Amount has too many digits: ",
    "Unsupported currency: ",
    "Unsupported default unit: ",
)
_SPLIT = re.compile(" / (?=" + "|".join(re.escape(s) for s in _EN_STARTS) + ")")


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def in_language(message: str, lang: str) -> str:
    """One language of a bilingual message of this module (``"zh"``, or ``"en"`` for any
    English locale); any other message comes back as it is.

    >>> in_language('无法识别的金额：“abc” / Unrecognised amount: "abc"', "en")
    'Unrecognised amount: "abc"'
    """
    for found in _SPLIT.finditer(message):
        zh = message[: found.start()]
        # the Chinese half quotes the value in “”: a cut inside the value leaves one open
        if _CJK_CHAR.search(zh) and zh.count("“") == zh.count("”"):
            return message[found.end() :] if lang.lower().startswith("en") else zh
    return message


# --------------------------------------------------------------------------------------------
# Exchange rates
# --------------------------------------------------------------------------------------------

RATE_TABLE = Path(__file__).parent / "data" / "rates.csv"


class Rate(NamedTuple):
    """One row of the rate table: CNY per 1 unit of ``currency``."""

    currency: str
    rate: Decimal
    date: datetime.date
    source: str


def read_rate_table(path: Path) -> dict[str, Rate]:
    """The rate table in ``path`` by currency code. A bad row raises ``ValueError`` naming the
    file, the line, the column and the value; so does a currency given twice (one rate per
    currency is what keeps every face on the same figure)."""
    out: dict[str, Rate] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"currency", "rate", "date", "source"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        for row in reader:
            where = f"{path}, line {reader.line_num}"
            code = (row["currency"] or "").strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", code) or code == "CNY":
                raise ValueError(f'{where}: currency "{row["currency"]}" is not a foreign ISO code')
            if code in out:
                raise ValueError(f'{where}: currency "{code}" is given twice')
            try:
                rate = Decimal((row["rate"] or "").strip())
            except decimal.InvalidOperation:
                rate = Decimal(0)
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f'{where}: rate "{row["rate"]}" is not a positive number')
            try:
                day = datetime.date.fromisoformat((row["date"] or "").strip())
            except ValueError:
                raise ValueError(f'{where}: date "{row["date"]}" is not YYYY-MM-DD') from None
            source = (row["source"] or "").strip()
            if not source:
                raise ValueError(f"{where}: source is empty")
            out[code] = Rate(code, rate, day, source)
    return out


#: The rate table in force, by currency (see the module doc).
RATES: dict[str, Rate] = read_rate_table(RATE_TABLE)


def use_rate_table(path: Path) -> None:
    """Replace the rate table in force with the one in ``path`` (checked whole first)."""
    table = read_rate_table(path)
    RATES.clear()
    RATES.update(table)


CURRENCIES: tuple[str, ...] = ("CNY", *RATES)

# --------------------------------------------------------------------------------------------
# Exact decimal arithmetic
# --------------------------------------------------------------------------------------------

# Any rounding at all raises, so a result is either exact or an error.
_EXACT = decimal.Context(
    prec=200,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[
        decimal.Inexact,
        decimal.Rounded,
        decimal.InvalidOperation,
        decimal.Overflow,
        decimal.DivisionByZero,
    ],
)
_MAX_TEXT = 200


def _canonical(value: Decimal) -> Decimal:
    """Same number, no trailing zeros after the point, no positive exponent (``12000`` not
    ``1.2E+4``)."""
    with decimal.localcontext(_EXACT):
        value = value.normalize()
        if value.as_tuple().exponent > 0:  # type: ignore[operator]
            value = value.quantize(Decimal(1))
    return value


def _plain(value: Decimal, *, grouping: bool = False) -> str:
    """Fixed-point text of ``value``, every digit kept, no trailing zeros."""
    return format(_canonical(value), ",f" if grouping else "f")


def _as_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or int, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise AmountError(f'金额必须是有限数：“{value}” / Amount must be finite: "{value}"')
    return result


# --------------------------------------------------------------------------------------------
# Currency conversion
# --------------------------------------------------------------------------------------------


def rate_for(currency: str) -> Rate:
    """The row of the rate table for ``currency``; an unknown one raises :class:`AmountError`."""
    code = currency.strip().upper() if isinstance(currency, str) else currency
    if not isinstance(code, str):
        raise TypeError("currency must be a str")
    entry = RATES.get(code)
    if entry is None:
        raise AmountError(
            f'不支持的币种：“{currency}” / Unsupported currency: "{currency}"', text=currency
        )
    return entry


def convert_to_cny_wan(
    original_wan: Decimal, currency: str
) -> tuple[Decimal, Decimal | None, datetime.date | None]:
    """Convert ``original_wan`` (万 units of ``currency``) into 万元 CNY at the table's rate.

    Returns ``(value_wan, rate, rate_date)``: the exact product (never quantised), the CNY per 1
    unit used and the date of that rate; for CNY the value unchanged and ``None, None``. An
    unknown currency raises :class:`AmountError`.
    """
    amount = _as_decimal(original_wan, "original_wan")
    if isinstance(currency, str) and currency.strip().upper() == "CNY":
        return _canonical(amount), None, None
    entry = rate_for(currency)
    try:
        with decimal.localcontext(_EXACT):
            value = amount * entry.rate
    except decimal.DecimalException as exc:  # pragma: no cover - needs > 190 digits
        raise AmountError(
            f'金额位数过多：“{amount}” / Amount has too many digits: "{amount}"'
        ) from exc
    return _canonical(value), entry.rate, entry.date


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# Traditional and variant characters folded into the simplified forms used below.
_VARIANTS = str.maketrans(
    {
        "億": "亿",
        "萬": "万",
        "圓": "元",
        "圆": "元",
        "點": "点",
        "兩": "两",
        "貳": "贰",
        "參": "叁",
        "叄": "叁",
        "陸": "陆",
        "幣": "币",
        "鎊": "镑",
        "歐": "欧",
        "韓": "韩",
        "臺": "台",
        "約": "约",
        "餘": "余",
        "於": "于",
        "過": "过",
        "內": "内",
        "將": "将",
        "−": "-",
        "～": "~",
    }
)

_CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_POINT = "点"

# Token kinds
_NUM = "number"
_FRAC = "fraction"
_UNIT = "unit"  # Chinese unit, value = power of ten
_SCALE = "scale"  # English scale word, value = power of ten
_QUAL = "qualifier"
_INFIX = "infix"  # 余 / 多 inside the number
_CUR = "currency"
_SIGN = "sign"

_PRE, _SUF, _ANY = "pre", "suf", "any"

_QUALIFIER_WORDS: dict[Qualifier, dict[str, tuple[str, ...]]] = {
    Qualifier.AT_LEAST: {
        _PRE: (
            "超", "超过", "逾", "过", "不少于", "不低于", "至少", "最少", "最低", "多于", "高于",
            "大于", "≥", ">=", ">", "over", "more than", "at least", "above", "exceeding", "in excess of",
            "upwards of", "no less than", "not less than", "minimum",
        ),
        _SUF: ("以上", "有余", "+", "or more", "or above", "and above", "and over"),
    },
    Qualifier.APPROX: {
        _PRE: (
            "约", "大约", "约为", "约合", "约计", "大概", "近", "将近", "接近", "~", "≈", "about",
            "approximately", "approx.", "approx", "around", "roughly", "nearly", "almost",
            "circa", "ca.", "some",
        ),
        _SUF: ("左右", "上下", "or so"),
    },
    Qualifier.AT_MOST: {
        _PRE: (
            "不超过", "未超过", "不超出", "不高于", "不多于", "不大于", "最多", "至多", "最高",
            "少于", "低于", "不足", "不到", "≤", "<=", "<", "at most", "up to", "no more than", "not more than",
            "not exceeding", "not over", "less than", "under", "below", "maximum",
        ),
        _SUF: ("以内", "以下", "之内", "内", "or less", "or below", "and below", "and under"),
    },
}  # fmt: skip

_CURRENCY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "CNY": {
        _ANY: ("人民币", "rmb", "cny", "renminbi"),
        _PRE: ("¥",),
        _SUF: ("yuan", "chinese yuan"),
    },
    "USD": {
        _ANY: ("美元", "美金", "usd"),
        _PRE: ("us$", "$"),
        _SUF: ("us dollars", "us dollar", "u.s. dollars", "u.s. dollar", "dollars", "dollar"),
    },
    "HKD": {
        _ANY: ("港元", "港币", "hkd"),
        _PRE: ("hk$",),
        _SUF: ("hong kong dollars", "hong kong dollar", "hk dollars", "hk dollar"),
    },
    "EUR": {_ANY: ("欧元", "eur"), _PRE: ("€",), _SUF: ("euros", "euro")},
    "JPY": {_ANY: ("日元", "日币", "jpy"), _PRE: (), _SUF: ("japanese yen", "yen")},
    "GBP": {
        _ANY: ("英镑", "gbp"),
        _PRE: ("£",),
        _SUF: ("pounds sterling", "pound sterling", "sterling", "pounds", "pound"),
    },
    "KRW": {_ANY: ("韩元", "韩币", "krw"), _PRE: ("₩",), _SUF: ("korean won", "won")},
    "SGD": {
        _ANY: ("新加坡元", "新元", "新币", "sgd"),
        _PRE: ("s$",),
        _SUF: ("singapore dollars", "singapore dollar"),
    },
    "TWD": {
        _ANY: ("新台币", "台币", "twd", "ntd"),
        _PRE: ("nt$",),
        _SUF: ("new taiwan dollars", "new taiwan dollar", "nt dollars", "nt dollar"),
    },
}


class _Word(NamedTuple):
    kind: str
    value: object
    where: str = _ANY


def _build_vocabulary() -> dict[str, _Word]:
    vocab: dict[str, _Word] = {}

    def add(word: str, entry: _Word) -> None:
        if word in vocab:  # pragma: no cover - guards the tables above
            raise RuntimeError(f"duplicate money word {word!r}")
        vocab[word] = entry

    for qualifier, by_place in _QUALIFIER_WORDS.items():
        for where, words in by_place.items():
            for word in words:
                add(word, _Word(_QUAL, qualifier, where))
    for code, by_place in _CURRENCY_WORDS.items():
        for where, words in by_place.items():
            for word in words:
                add(word, _Word(_CUR, code, where))
    add("元", _Word(_CUR, "", _SUF))  # bare 元: whichever currency is named, else CNY
    for word, power in (
        ("十", 1), ("拾", 1), ("百", 2), ("佰", 2), ("千", 3), ("仟", 3),
        ("万", 4), ("亿", 8), ("万亿", 12),
    ):  # fmt: skip
        add(word, _Word(_UNIT, power))
    for word, power in (
        ("thousand", 3), ("k", 3), ("million", 6), ("mn", 6), ("m", 6),
        ("billion", 9), ("bn", 9), ("trillion", 12), ("tn", 12),
    ):  # fmt: skip
        add(word, _Word(_SCALE, power))
    for word in ("余", "多"):
        add(word, _Word(_INFIX, Qualifier.AT_LEAST))
    for word in ("-", "负"):
        add(word, _Word(_SIGN, None))
    return vocab


_VOCABULARY = _build_vocabulary()


# --- The qualifier vocabulary, for figures other than money (cluster targets, indicators)

_QUALIFIER_NAMES = {q.value: q for q in Qualifier} | {"精确": Qualifier.EXACT, "": Qualifier.EXACT}


def parse_qualifier(word: str) -> Qualifier:
    """A qualifier by its value (``at_least``) or by a word of the money vocabulary that
    says it on its own (``超``, ``不少于``, ``以上``, ``约``, ``左右``, ``不超过``, ``≥``).

    >>> parse_qualifier("不少于")
    <Qualifier.AT_LEAST: 'at_least'>
    """
    key = normalise_text(str(word)).strip().lower()
    if key in _QUALIFIER_NAMES:
        return _QUALIFIER_NAMES[key]
    found = _VOCABULARY.get(key)
    if found is not None and found.kind in (_QUAL, _INFIX):
        return found.value  # type: ignore[return-value]
    raise ValueError(
        f"未知的限定词“{word}” / unknown qualifier “{word}” "
        "(exact, at_least/超, approx/约, at_most/不超过)"
    )


def split_qualifier(text: str, *, after_number: bool = False) -> tuple[Qualifier | None, str]:
    """The qualifier words at the front and at the end of a figure, and what is left:
    ``split_qualifier("超2400亿元") == (Qualifier.AT_LEAST, "2400亿元")``,
    ``split_qualifier("41%左右") == (Qualifier.APPROX, "41%")``; ``(None, text)`` if none.
    ``after_number``: `text` is what follows a number, where 多/余 say "more than"
    (``"多亿元"`` of ``2000多亿元``). Raises ValueError when they disagree (``约100亿元以上``)."""
    rest = normalise_text(str(text)).strip()
    found: list[Qualifier] = []
    if after_number and rest[:1] and _VOCABULARY.get(rest[:1], _NO_WORD).kind == _INFIX:
        found.append(_VOCABULARY[rest[:1]].value)  # type: ignore[arg-type]
        rest = rest[1:].strip()
    for words in (_PREFIX_WORDS, _SUFFIX_WORDS):
        for word in words:
            lowered = rest.lower()
            if words is _PREFIX_WORDS and lowered.startswith(word):
                found.append(_VOCABULARY[word].value)  # type: ignore[arg-type]
                rest = rest[len(word) :].strip()
                break
            if words is _SUFFIX_WORDS and lowered.endswith(word):
                found.append(_VOCABULARY[word].value)  # type: ignore[arg-type]
                rest = rest[: -len(word)].strip()
                break
    if len(set(found)) > 1:
        raise ValueError(f"限定词互相矛盾 / conflicting qualifiers: {text}")
    return (found[0] if found else None), rest


_NO_WORD = _Word("", None)
# Longest first, so that 不超过 is read before 超.
_PREFIX_WORDS = sorted(
    (w for w, e in _VOCABULARY.items() if e.kind == _QUAL and e.where in (_PRE, _ANY)),
    key=len,
    reverse=True,
)
_SUFFIX_WORDS = sorted(
    [w for w, e in _VOCABULARY.items() if e.kind == _QUAL and e.where in (_SUF, _ANY)]
    + [w for w, e in _VOCABULARY.items() if e.kind == _INFIX],
    key=len,
    reverse=True,
)
# First character -> candidate words, longest first.
_BY_FIRST: dict[str, list[str]] = {}
for _w in sorted(_VOCABULARY, key=len, reverse=True):
    _BY_FIRST.setdefault(_w[0], []).append(_w)
del _w

_ARABIC = re.compile(
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9,])|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
)

_DEFAULT_UNITS: dict[str, int] = {
    "元": 0,
    "千元": 3,
    "万元": 4,
    "万": 4,
    "百万元": 6,
    "千万元": 7,
    "亿元": 8,
    "亿": 8,
    "万亿元": 12,
}


# --------------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str
    value: object  # Decimal for numbers, int powers for units, Qualifier or code otherwise
    text: str
    where: str = _ANY
    chinese: bool = False  # a Chinese digit rather than an Arabic number


class _Unreadable(Exception):
    """Internal: a parse failure with an optional reason (zh, en)."""

    def __init__(self, zh: str | None = None, en: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def _is_ascii_letter(char: str) -> bool:
    return "a" <= char <= "z"


def _tokenise(s: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(s)
    while i < n:
        char = s[i]
        if char == " ":
            i += 1
            continue
        match = _ARABIC.match(s, i)
        if match:
            digits = match.group().replace(",", "")
            tokens.append(_Token(_NUM, Decimal(digits), match.group()))
            i = match.end()
            continue
        if char in _CN_DIGITS:
            tokens.append(_Token(_NUM, Decimal(_CN_DIGITS[char]), char, chinese=True))
            i += 1
            continue
        if char == _CN_POINT:
            j = i + 1
            digits = ""
            while j < n and (s[j] in _CN_DIGITS or "0" <= s[j] <= "9"):
                digits += str(_CN_DIGITS.get(s[j], s[j]))
                j += 1
            if not digits:
                raise _Unreadable("“点”后缺少数字", 'no digits after "点"')
            tokens.append(_Token(_FRAC, Decimal("0." + digits), s[i:j]))
            i = j
            continue
        for word in _BY_FIRST.get(char, ()):
            end = i + len(word)
            if not s.startswith(word, i):
                continue
            if _is_ascii_letter(word[-1]) and end < n and _is_ascii_letter(s[end]):
                continue  # "m" must not match the start of "mystery"
            entry = _VOCABULARY[word]
            tokens.append(_Token(entry.kind, entry.value, word, entry.where))
            i = end
            break
        else:
            if i == 0:
                raise _Unreadable()
            rest = s[i : i + 12]
            raise _Unreadable(f"无法识别“{rest}”", f'cannot read "{rest}"')
    return tokens


# --------------------------------------------------------------------------------------------
# Number evaluation
# --------------------------------------------------------------------------------------------


def _unexpected(token: _Token) -> _Unreadable:
    return _Unreadable(f"“{token.text}”位置不对", f'"{token.text}" is out of place')


def _eval_small(tokens: Sequence[_Token]) -> Decimal:
    """A number below 万: digits with 十/百/千 (``一千二百``, ``3千5``, ``12345``, ``二十五点五``)."""
    value = Decimal(0)
    pending: Decimal | None = None
    pending_is_fraction = False
    last_unit = 4
    after_zero = False
    previous: _Token | None = None
    for position, token in enumerate(tokens):
        if token.kind == _NUM:
            if pending is not None:
                raise _Unreadable(
                    f"数字“{token.text}”位置不对", f'digits "{token.text}" out of place'
                )
            if token.chinese and token.value == 0:
                after_zero = True  # 零 only fills a gap: 一千零五, 一亿零五百万, 零点五
            else:
                pending = token.value  # type: ignore[assignment]
                pending_is_fraction = False
        elif token.kind == _FRAC:
            if pending is None and previous is not None and (previous.kind == _UNIT or after_zero):
                pending = Decimal(0)  # 十点五 = 10 + 0.5, 一百点五 = 100 + 0.5, 零点五
                after_zero = True
            if pending is None or pending_is_fraction or pending != pending.to_integral_value():
                raise _unexpected(token)
            pending += token.value  # type: ignore[operator]
            pending_is_fraction = True
        elif token.kind == _UNIT and token.value in (1, 2, 3):
            power = int(token.value)
            if power >= last_unit:
                raise _Unreadable(
                    f"单位“{token.text}”顺序不对", f'unit "{token.text}" out of order'
                )
            if pending is None:
                if position == 0 or after_zero:
                    pending = Decimal(1)  # 十五, 百亿, 一千零十
                else:
                    raise _unexpected(token)
            value += pending.scaleb(power)
            pending = None
            pending_is_fraction = False
            last_unit = power
            after_zero = False
        else:
            raise _unexpected(token)
        previous = token
    if pending is not None:
        if last_unit == 4 or after_zero:
            value += pending
        elif last_unit == 1:
            if pending >= 10:
                raise _unexpected(tokens[-1])
            value += pending
        elif pending == pending.to_integral_value() and 1 <= pending <= 9:
            value += pending.scaleb(last_unit - 1)  # 一千二 = 1200, 3千5 = 3500
        else:
            raise _unexpected(tokens[-1])
    return value


# Big units and the big units that may appear in the multiplier on their left
# (一万二千亿 = 12000 x 亿; 万亿 is its own unit so 一万亿 and 1.2万亿 work).
_BIG_LEFT: dict[int, tuple[int, ...]] = {12: (), 8: (4,), 4: ()}


def _eval_number(tokens: Sequence[_Token], levels: tuple[int, ...] = (12, 8, 4)) -> Decimal:
    for level in levels:
        places = [k for k, t in enumerate(tokens) if t.kind == _UNIT and t.value == level]
        if not places:
            continue
        if len(places) > 1:
            word = tokens[places[1]].text
            raise _Unreadable(f"单位“{word}”重复", f'unit "{word}" repeated')
        k = places[0]
        left, right = tokens[:k], tokens[k + 1 :]
        if not left:
            word = tokens[k].text
            raise _Unreadable(f"“{word}”前缺少数字", f'no number before "{word}"')
        multiplier = _eval_number(left, _BIG_LEFT[level])
        value = multiplier.scaleb(level)
        if right:
            if multiplier != multiplier.to_integral_value():
                raise _unexpected(right[0])  # 1.2亿3000万
            rest = _eval_number(right, tuple(lv for lv in levels if lv < level))
            if rest >= Decimal(1).scaleb(level):
                raise _unexpected(right[0])  # 5亿12000万
            value += rest
        return value
    return _eval_small(tokens)


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


class _Parsed(NamedTuple):
    base: Decimal  # in units of the currency (yuan, dollars, ...)
    qualifier: Qualifier
    currency: str
    literal: bool  # a unit, scale word or currency was given
    negative: bool


def _parse_tokens(tokens: list[_Token]) -> _Parsed:
    i, j = 0, len(tokens)
    prefix: list[_Token] = []
    while i < j and tokens[i].kind in (_QUAL, _CUR, _SIGN) and tokens[i].where != _SUF:
        prefix.append(tokens[i])
        i += 1
    suffix: list[_Token] = []
    while j > i and tokens[j - 1].kind in (_QUAL, _CUR) and tokens[j - 1].where != _PRE:
        suffix.append(tokens[j - 1])
        j -= 1
    middle = list(tokens[i:j])
    if not middle:
        raise _Unreadable("缺少数字", "no number")
    for token in middle:
        if token.kind not in (_NUM, _FRAC, _UNIT, _SCALE, _INFIX):
            raise _unexpected(token)
    if not any(t.kind == _NUM for t in middle) and not any(t.kind == _UNIT for t in middle):
        raise _Unreadable("缺少数字", "no number")

    qualifiers: list[Qualifier] = []
    for group in (prefix, suffix):
        found = [t.value for t in group if t.kind == _QUAL]
        if len(found) > 1:
            raise _Unreadable("限定词重复", "more than one qualifier")
        qualifiers.extend(found)  # type: ignore[arg-type]

    infix = [k for k, t in enumerate(middle) if t.kind == _INFIX]
    if infix:
        k = infix[0]
        after = middle[k + 1 :]
        if (
            len(infix) > 1
            or k == 0
            or middle[k - 1].kind not in (_NUM, _UNIT)
            or any(t.kind != _UNIT for t in after)
        ):
            raise _unexpected(middle[k])
        qualifiers.append(middle[k].value)  # type: ignore[arg-type]
        del middle[k]
    if len(set(qualifiers)) > 1:
        raise _Unreadable("限定词互相矛盾", "conflicting qualifiers")
    qualifier = qualifiers[0] if qualifiers else Qualifier.EXACT

    codes = {t.value for t in prefix + suffix if t.kind == _CUR and t.value}
    if len(codes) > 1:
        raise _Unreadable("币种互相矛盾", "conflicting currencies")
    currency = str(codes.pop()) if codes else "CNY"

    scales = [k for k, t in enumerate(middle) if t.kind == _SCALE]
    if scales:
        if len(middle) != 2 or scales != [1] or middle[0].kind != _NUM or middle[0].chinese:
            raise _unexpected(middle[scales[0]])
        base = middle[0].value.scaleb(middle[1].value)  # type: ignore[attr-defined]
    else:
        base = _eval_number(middle)
    # 万 and up, million and up, or a currency: the number is in units of the currency;
    # otherwise (12345, 五千, 3 thousand) it is a bare number in the default unit.
    literal = any(t.kind in (_UNIT, _SCALE) and t.value in (4, 6, 8, 9, 12) for t in middle)
    literal = literal or any(t.kind == _CUR for t in prefix + suffix)
    return _Parsed(base, qualifier, currency, literal, any(t.kind == _SIGN for t in prefix))


def _unrecognised(text: str, zh: str | None = None, en: str | None = None) -> AmountError:
    zh_part = f"（{zh}）" if zh else ""
    en_part = f" ({en})" if en else ""
    return AmountError(
        f'无法识别的金额：“{text}”{zh_part} / Unrecognised amount: "{text}"{en_part}', text=text
    )


def parse_amount(text: str, *, default_unit: str = "万元") -> Amount:
    """Read a money amount such as ``超100亿元``, ``约1.2万亿元``, ``15亿美元``, ``USD 150 million``.

    ``default_unit`` is the unit of a bare number (``"元"``, ``"万元"``, ``"亿元"``, ...);
    a foreign currency is converted at the rate table's rate. Raises
    :class:`AmountError` for anything it cannot read exactly, or for negative amounts.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    unit_key = normalise_text(default_unit).translate(_VARIANTS).replace(" ", "")
    if unit_key not in _DEFAULT_UNITS:
        raise ValueError(
            f'不支持的默认单位：“{default_unit}” / Unsupported default unit: "{default_unit}"'
        )
    stripped = text.strip()
    if len(stripped) > _MAX_TEXT:
        raise _unrecognised(stripped[:_MAX_TEXT] + "…", "过长", "too long")
    normalised = normalise_text(stripped).translate(_VARIANTS).lower()
    if not normalised:
        raise _unrecognised(stripped, "空值", "empty")
    try:
        with decimal.localcontext(_EXACT):
            parsed = _parse_tokens(_tokenise(normalised))
            base = parsed.base
            if not parsed.literal:
                base = base.scaleb(_DEFAULT_UNITS[unit_key])
            original = _canonical(base.scaleb(-4))
    except _Unreadable as exc:
        raise _unrecognised(stripped, exc.zh, exc.en) from None
    except decimal.DecimalException:
        raise _unrecognised(stripped, "位数过多", "too many digits") from None
    if parsed.negative or original < 0:
        raise _negative(stripped)
    if parsed.currency == "CNY":
        return Amount(
            original, parsed.qualifier, "CNY", original, None, None, stripped, parsed.literal
        )
    value, rate, rate_date = convert_to_cny_wan(original, parsed.currency)
    return Amount(
        value, parsed.qualifier, parsed.currency, original, rate, rate_date, stripped, True
    )


def _negative(text: str) -> AmountError:
    return AmountError(
        f'金额不能为负数：“{text}” / Amount must not be negative: "{text}"', text=text
    )


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------

_ZH_PREFIX = {
    Qualifier.EXACT: "",
    Qualifier.AT_LEAST: "超",
    Qualifier.APPROX: "约",
    Qualifier.AT_MOST: "不超过",
}
_EN_PREFIX = {
    Qualifier.EXACT: "",
    Qualifier.AT_LEAST: "over ",
    Qualifier.APPROX: "about ",
    Qualifier.AT_MOST: "at most ",
}


def format_wan(
    value_wan: Decimal, qualifier: Qualifier | str = Qualifier.EXACT, *, lang: str = "zh"
) -> str:
    """Show an amount in 万元 exactly, with every digit and no trailing zeros.

    ``lang="zh"``: from 1亿 on in 亿元 (``306亿元``, ``1.25亿元``), below in 万元 (``5000万元``,
    ``0.5万元``), qualifier as ``超``/``约``/``不超过``. ``lang="en"``: ``CNY 30.6 billion`` from 1
    billion yuan (10亿) on, ``CNY 50 million`` from 1 million yuan (100万) on, below that whole
    yuan with thousands separators (``CNY 5,000``), qualifier as ``over``/``about``/``at most``.
    :func:`parse_amount` reads every output back to the same value and qualifier.
    """
    value = _as_decimal(value_wan, "value_wan")
    if value < 0:
        raise _negative(str(value_wan))
    value = abs(value)  # -0 -> 0
    q = Qualifier(qualifier)
    with decimal.localcontext(_EXACT):
        if lang == "zh":
            if value >= 10000:
                return f"{_ZH_PREFIX[q]}{_plain(value.scaleb(-4))}亿元"
            return f"{_ZH_PREFIX[q]}{_plain(value)}万元"
        if lang == "en":
            yuan = value.scaleb(4)
            if yuan >= Decimal("1E9"):
                body = f"{_plain(yuan.scaleb(-9))} billion"
            elif yuan >= Decimal("1E6"):
                body = f"{_plain(yuan.scaleb(-6))} million"
            else:
                body = _plain(yuan, grouping=True)
            return f"{_EN_PREFIX[q]}CNY {body}"
    raise ValueError(f'lang must be "zh" or "en", not {lang!r}')


# The precision a bureau reports at: 亿元 to 2 decimals, 万元 whole (English: billions and
# millions to 2 decimals, whole 万 below), rounded half up as its tables are.
_CENT = Decimal("0.01")


def format_wan_rounded(
    value_wan: Decimal, qualifier: Qualifier | str = Qualifier.EXACT, *, lang: str = "zh"
) -> str:
    """An amount at bureau precision, for pages: ``3191.42亿元`` (exactly 3191.4158亿元),
    ``8.57亿元``, ``306.00亿元``, ``5000万元``, ``超100.00亿元``; ``CNY 319.14 billion``,
    ``CNY 50.00 million``, ``CNY 120,000``. A non-zero amount below 1万元 (0.5万元) reads
    ``不足1万元`` / ``under CNY 10,000``, never 0. Pages show the exact figure
    (:func:`format_wan`) beside it on hover; exports and the API keep exact values.
    """
    value = _as_decimal(value_wan, "value_wan")
    if value < 0:
        raise _negative(str(value_wan))
    value = abs(value)
    q = Qualifier(qualifier)
    up = decimal.ROUND_HALF_UP
    if lang not in ("zh", "en"):
        raise ValueError(f'lang must be "zh" or "en", not {lang!r}')
    if 0 < value < Decimal("0.5"):
        return "不足1万元" if lang == "zh" else "under CNY 10,000"
    wan = value.quantize(Decimal(1), rounding=up)
    if lang == "zh":
        if wan >= 10000:
            return f"{_ZH_PREFIX[q]}{value.scaleb(-4).quantize(_CENT, rounding=up):f}亿元"
        return f"{_ZH_PREFIX[q]}{wan:f}万元"
    millions = value.scaleb(-2).quantize(_CENT, rounding=up)
    if millions >= 1000:
        body = f"{value.scaleb(-5).quantize(_CENT, rounding=up):,f} billion"
    elif millions >= 1:
        body = f"{millions:f} million"
    else:
        body = f"{wan.scaleb(4):,f}"
    return f"{_EN_PREFIX[q]}CNY {body}"


def bare_number_choices(amount: Amount, *, lang: str = "zh") -> tuple[str, str] | None:
    """For a bare number (``30``: no unit, see :attr:`Amount.unit_given`), the two readings a
    person most likely meant, as text that :func:`parse_amount` reads back: ``("30万元",
    "30亿元")`` (``lang="en"``: ``("CNY 300,000", "CNY 3 billion")``); ``None`` when a unit
    was given. The number is taken as written, so ``30`` read in 万元 offers 30万 and 30亿."""
    if amount.unit_given:
        return None
    wan = amount.value_wan
    return (
        format_wan(wan, amount.qualifier, lang=lang),
        format_wan(wan.scaleb(4), amount.qualifier, lang=lang),
    )
