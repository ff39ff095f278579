"""Enough JQL for the sandbox Jira: clauses, AND / OR / NOT, parentheses, IN, IS EMPTY, ORDER BY.

Dates follow Jira's rules, including its trap: a number is epoch milliseconds (absolute), but
`"2026/11/20 12:00"` or `"2026-11-20"` is read in the *searching user's* time zone, so a client
that formats a UTC time that way asks for the wrong instant. Errors carry Jira's wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

FieldKind = Literal["date", "text", "number", "list", "key"]
DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
PERIOD = re.compile(r"^([-+]?)\s*(\d+)\s*([wdhm])$")
PERIOD_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>!=|>=|<=|!~|=|>|<|~)
      | (?P<punct>[(),])
      | (?P<word>[^\s"'(),=!<>~]+)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}


class JqlError(ValueError):
    """Bad JQL: the message is what Jira's 400 says."""


@dataclass(frozen=True)
class FieldSpec:
    kind: FieldKind
    get: Callable[[Any], Any]  # issue -> value (a list for kind "list")
    known: Callable[[], set[str]] | None = None  # valid values, for Jira's "does not exist" error


@dataclass(frozen=True)
class Token:
    kind: str  # string, op, punct, word
    text: str
    position: int

    @property
    def keyword(self) -> str | None:
        return self.text.lower() if self.kind == "word" and self.text.lower() in KEYWORDS else None


@dataclass(frozen=True)
class Query:
    where: Callable[[Any], bool] | None  # None: no restriction at all (unbounded)
    order: list[tuple[str, bool]]  # (field, descending)


def tokenize(text: str) -> list[Token]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise JqlError(
                f"Error in the JQL Query: The character '{text[position]}' is a reserved JQL character. (line 1, character {position + 1})"
            )
        kind = match.lastgroup or "word"
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append(Token(kind, value, match.start(kind)))
        position = match.end()
    return tokens


class Parser:
    def __init__(self, text: str, fields: dict[str, FieldSpec], zone: str, now: datetime) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.fields = fields
        self.zone = ZoneInfo(zone)
        self.now = now

    # --- token helpers --------------------------------------------------------------------

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise JqlError("Error in the JQL Query: Expecting a value but reached the end of the query.")
        self.index += 1
        return token

    def accept(self, keyword: str) -> bool:
        token = self.peek()
        if token is not None and (
            token.keyword == keyword or (token.kind == "punct" and token.text == keyword)
        ):
            self.index += 1
            return True
        return False

    def expect(self, keyword: str) -> None:
        if not self.accept(keyword):
            token = self.peek()
            got = f"'{token.text}'" if token else "the end of the query"
            raise JqlError(f"Error in the JQL Query: Expecting '{keyword}' but got {got}.")

    # --- grammar --------------------------------------------------------------------------

    def parse(self) -> Query:
        where = None
        token = self.peek()
        if token is not None and token.keyword != "order":
            where = self.expression()
        order: list[tuple[str, bool]] = []
        if self.accept("order"):
            self.expect("by")
            while True:
                name = self.field_name()
                descending = self.accept("desc")
                if not descending:
                    self.accept("asc")
                order.append((name, descending))
                if not self.accept(","):
                    break
            if len(order) > 7:
                raise JqlError("The ORDER BY clause can have at most 7 fields.")
        if (extra := self.peek()) is not None:
            raise JqlError(
                f"Error in the JQL Query: Expecting either 'OR' or 'AND' but got '{extra.text}'. (line 1, character {extra.position + 1})"
            )
        return Query(where, order)

    def expression(self) -> Callable[[Any], bool]:
        terms = [self.term()]
        while self.accept("or"):
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else (lambda issue: any(t(issue) for t in terms))

    def term(self) -> Callable[[Any], bool]:
        factors = [self.factor()]
        while self.accept("and"):
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else (lambda issue: all(f(issue) for f in factors))

    def factor(self) -> Callable[[Any], bool]:
        if self.accept("not"):
            inner = self.factor()
            return lambda issue: not inner(issue)
        if self.accept("("):
            inner = self.expression()
            self.expect(")")
            return inner
        return self.clause()

    def field_name(self) -> str:
        token = self.take()
        name = token.text.lower()
        if token.kind not in ("word", "string") or name not in self.fields:
            raise JqlError(f"Field '{token.text}' does not exist or you do not have permission to view it.")
        return name

    def clause(self) -> Callable[[Any], bool]:
        name = self.field_name()
        spec = self.fields[name]
        if self.accept("is"):
            negate = self.accept("not")
            if not (self.accept("empty") or self.accept("null")):
                raise JqlError("Error in the JQL Query: Expecting 'EMPTY' or 'NULL' after 'IS'.")
            return lambda issue: _empty(spec.get(issue)) != negate
        negate_in = self.accept("not")
        if self.accept("in"):
            self.expect("(")
            values = [self.value(name, spec)]
            while self.accept(","):
                values.append(self.value(name, spec))
            self.expect(")")
            return lambda issue: any(_compare(spec, spec.get(issue), "=", v) for v in values) != negate_in
        if negate_in:
            raise JqlError("Error in the JQL Query: Expecting 'IN' after 'NOT'.")
        op = self.take()
        if op.kind != "op":
            raise JqlError(
                f"Error in the JQL Query: Expecting operator but got '{op.text}'. (line 1, character {op.position + 1})"
            )
        if op.text in ("~", "!~") and spec.kind not in ("text", "list"):
            raise JqlError(f"The operator '{op.text}' is not supported by the '{name}' field.")
        if op.text in (">", ">=", "<", "<=") and spec.kind in ("text", "list"):
            raise JqlError(f"The operator '{op.text}' is not supported by the '{name}' field.")
        value = self.value(name, spec)
        return lambda issue: _compare(spec, spec.get(issue), op.text, value)

    def value(self, name: str, spec: FieldSpec) -> Any:
        token = self.take()
        if token.kind not in ("word", "string"):
            raise JqlError(f"Error in the JQL Query: Expecting a value but got '{token.text}'.")
        text = token.text
        if spec.kind == "date":
            return self.date(name, text)
        if spec.kind == "number":
            try:
                return int(text)
            except ValueError:
                raise JqlError(f"The value '{text}' is not a valid number for the field '{name}'.") from None
        if spec.known is not None and text.lower() not in {k.lower() for k in spec.known()}:
            raise JqlError(f"The value '{text}' does not exist for the field '{name}'.")
        return text

    def date(self, name: str, text: str) -> datetime:
        if text.lstrip("-").isdigit() and len(text.lstrip("-")) > 8:
            return datetime.fromtimestamp(int(text) / 1000, UTC)  # epoch milliseconds: absolute
        for fmt in DATE_FORMATS:
            try:  # a calendar time: in the user's time zone (the trap)
                return datetime.strptime(text, fmt).replace(tzinfo=self.zone).astimezone(UTC)
            except ValueError:
                continue
        period = PERIOD.match(text.strip())
        if period:
            sign = -1 if period.group(1) == "-" else 1
            return self.now + sign * timedelta(**{PERIOD_UNITS[period.group(3)]: int(period.group(2))})
        raise JqlError(
            f"Date value '{text}' for field '{name}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
            "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
        )


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _compare(spec: FieldSpec, actual: Any, op: str, wanted: Any) -> bool:
    if op in ("~", "!~"):
        values = actual if isinstance(actual, list) else [actual]
        hit = any(str(wanted).lower() in str(v or "").lower() for v in values)
        return hit if op == "~" else not hit
    if spec.kind == "list":
        hit = any(str(v).lower() == str(wanted).lower() for v in actual or [])
        return hit if op == "=" else not hit
    if actual is None:
        return op == "!="
    if spec.kind in ("text", "key"):
        if spec.kind == "key" and op in (">", ">=", "<", "<="):
            return _ordered(_key_order(actual), op, _key_order(wanted))
        equal = str(actual).lower() == str(wanted).lower()
        return equal if op == "=" else not equal
    return _ordered(actual, op, wanted)


def _key_order(key: str) -> tuple[str, int]:
    project, _, number = str(key).upper().rpartition("-")
    return project, int(number) if number.isdigit() else 0


def _ordered(actual: Any, op: str, wanted: Any) -> bool:
    return {
        "=": actual == wanted,
        "!=": actual != wanted,
        ">": actual > wanted,
        ">=": actual >= wanted,
        "<": actual < wanted,
        "<=": actual <= wanted,
    }[op]


def compile_jql(text: str, fields: dict[str, FieldSpec], *, zone: str, now: datetime) -> Query:
    return Parser(text or "", fields, zone, now).parse()
