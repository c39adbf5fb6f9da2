"""The query language parser: text in the filter box (or `paperdeck list QUERY`) -> `Query`.

Grammar (AND binds tighter than OR; terms side by side are ANDed):

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary ("AND"? unary)*
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" or_expr ")" | term

A term is a fuzzy word, a `"quoted phrase"`, or `field:value` (the value may be quoted). `OR`,
`AND` and `NOT` are operators only in upper case. `sort:` terms may appear anywhere and set the
order of the whole query (the last one wins); so do the ranking terms `sort:for-you`,
`like:#tag` and `like:ID[,ID...]`, which order and never filter (see `nodes.Rank`).

Errors raise `QuerySyntaxError` whose `position` is the 0-based offset of the offending
character and whose message reads "position N: problem" with N counted from 1, as people count
columns. Nesting - parentheses and NOT/`-` inside one another - is refused beyond `MAX_DEPTH`
levels: the parser recurses once per level, and a pasted `((((…` must be an error at its
position, not a RecursionError that takes the app down.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.errors import UsageError
from tui.models import normalise_tag, split_arxiv_id
from tui.query import dates
from tui.query.nodes import (
    SORT_KEYS,
    And,
    Attr,
    DateRange,
    Has,
    Is,
    MatchAll,
    Node,
    Not,
    NumberRange,
    Or,
    Phrase,
    Query,
    Rank,
    Word,
)
from tui.query.text import normalise_phrase, words_of

MAX_DEPTH = 32
"""Most levels of parentheses and negations one inside another (people use two or three)."""

IS_VALUES: tuple[str, ...] = ("starred", "inbox", "later", "done", "skipped", "unread", "new")
HAS_VALUES: tuple[str, ...] = ("code", "note", "tags", "summary", "pdf")

# Every spelling a user may type for a field -> the canonical field.
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "author": "author",
    "authors": "author",
    "abs": "abs",
    "abstract": "abs",
    "id": "id",
    "cat": "cat",
    "category": "cat",
    "tag": "tag",
    "tags": "tag",
    "source": "source",
    "is": "is",
    "has": "has",
    "upvotes": "upvotes",
    "upvote": "upvotes",
    "stars": "stars",
    "star": "stars",
    "comments": "comments",
    "date": "date",
    "listed": "listed",
    "sort": "sort",
    "like": "like",
}
_TEXT_FIELD = {"title": "title", "author": "authors", "abs": "abstract"}
_NUMBER_FIELDS = ("upvotes", "stars", "comments")
_ORDER_ALIASES = {"newest": ("date", False), "oldest": ("date", True)}
_FOR_YOU = ("for-you", "foryou", "for_you")


class QuerySyntaxError(UsageError):
    """A malformed query. `position` is the 0-based offset of the problem in the query text."""

    def __init__(self, problem: str, position: int) -> None:
        super().__init__(f"position {position + 1}: {problem}")
        self.problem = problem
        self.position = position


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "OR", "AND", "NOT", "-", "word", "phrase", "field"
    pos: int
    text: str = ""
    name: str = ""  # field name as typed (for "field")
    quoted: bool = False
    value_pos: int = 0


def parse(text: str) -> Query:
    """Parse a query; raises QuerySyntaxError naming the position and the problem."""
    return _Parser(text).parse()


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i))
            i += 1
        elif char == "-" and i + 1 < size and not text[i + 1].isspace() and text[i + 1] != ")":
            tokens.append(_Token("-", i))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("unclosed quote", i)
            tokens.append(_Token("phrase", i, text[i + 1 : end], quoted=True))
            i = end + 1
        else:
            j = i
            while j < size and not text[j].isspace() and text[j] not in '()"':
                j += 1
            word = text[i:j]
            if word == "-":
                raise QuerySyntaxError("'-' must be followed by a term", i)
            if word in ("OR", "AND", "NOT"):
                tokens.append(_Token(word, i))
                i = j
                continue
            name, colon, value = word.partition(":")
            if colon and name and name.isalpha():
                if not value and j < size and text[j] == '"':
                    end = text.find('"', j + 1)
                    if end < 0:
                        raise QuerySyntaxError("unclosed quote", j)
                    tokens.append(_Token("field", i, text[j + 1 : end], name, True, j + 1))
                    i = end + 1
                    continue
                tokens.append(_Token("field", i, value, name, False, i + len(name) + 1))
            else:
                tokens.append(_Token("word", i, word))
            i = j
    return tokens


class _Parser:
    """Recursive descent over the token list; collects `sort:` on the side."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.sort: str | None = None
        self.reverse = False
        self.rank: Rank | None = None

    def parse(self) -> Query:
        if not self.tokens:
            return Query(self.text, MatchAll())
        root = self._or()
        if self.index < len(self.tokens):
            token = self.tokens[self.index]
            raise QuerySyntaxError("unmatched ')'", token.pos)
        return Query(self.text, root, self.sort, self.reverse, self.rank)

    # -- grammar ---------------------------------------------------------------------------------

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _enter(self, token: _Token) -> None:
        """One level deeper (a parenthesis or a negation); refuse past MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(
                f"nested too deeply (more than {MAX_DEPTH} levels of parentheses or NOT)",
                token.pos,
            )

    def _or(self) -> Node:
        first = self._peek()
        if first is not None and first.kind == "OR":
            raise QuerySyntaxError("OR needs a term before it", first.pos)
        items = [self._and()]
        while (token := self._peek()) is not None and token.kind == "OR":
            self.index += 1
            following = self._peek()
            if following is None or following.kind in ("OR", ")"):
                raise QuerySyntaxError("OR needs a term after it", token.pos)
            items.append(self._and())
        if len(items) == 1:
            return items[0]
        if any(isinstance(item, MatchAll) for item in items):
            return MatchAll(position=items[0].position)  # type: ignore[attr-defined]
        return Or(tuple(items), position=first.pos if first else 0)

    def _and(self) -> Node:
        start = self._peek()
        items: list[Node] = []
        while (token := self._peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.index += 1
                following = self._peek()
                if not items or following is None or following.kind in ("OR", "AND", ")"):
                    raise QuerySyntaxError("AND needs a term on both sides", token.pos)
                continue
            node = self._unary()
            if node is not None:
                items.append(node)
        position = start.pos if start else 0
        if not items:
            return MatchAll(position=position)
        if len(items) == 1:
            return items[0]
        flat: list[Node] = []
        for item in items:
            flat.extend(item.items if isinstance(item, And) else (item,))
        return And(tuple(flat), position=position)

    def _unary(self) -> Node | None:
        token = self._peek()
        assert token is not None
        if token.kind in ("NOT", "-"):
            self.index += 1
            following = self._peek()
            if following is None or following.kind in ("OR", "AND", ")"):
                raise QuerySyntaxError(f"{token.kind} must be followed by a term", token.pos)
            if following.kind == "field" and following.name.lower() in ("sort", "like"):
                raise QuerySyntaxError(
                    f"{following.name.lower()}: cannot be negated", following.pos
                )
            self._enter(token)
            inner = self._unary()
            self.depth -= 1
            if inner is None or isinstance(inner, MatchAll):
                # Negating nothing (an empty phrase, punctuation) leaves the query unchanged.
                return None
            if isinstance(inner, Not):
                return inner.item
            return Not(inner, position=token.pos)
        return self._atom()

    def _atom(self) -> Node | None:
        token = self._peek()
        assert token is not None
        self.index += 1
        if token.kind == "(":
            following = self._peek()
            if following is not None and following.kind == ")":
                raise QuerySyntaxError("empty parentheses", token.pos)
            if following is None:
                raise QuerySyntaxError("unclosed parenthesis", token.pos)
            self._enter(token)
            inner = self._or()
            self.depth -= 1
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError("unclosed parenthesis", token.pos)
            self.index += 1
            return inner
        if token.kind == "word":
            return self._word(token)
        if token.kind == "phrase":
            phrase = normalise_phrase(token.text)
            return Phrase(phrase, position=token.pos) if phrase else None
        if token.kind == "field":
            return self._field(token)
        raise QuerySyntaxError(f"unexpected {token.kind}", token.pos)  # pragma: no cover

    # -- terms -----------------------------------------------------------------------------------

    def _word(self, token: _Token) -> Node | None:
        arxiv = split_arxiv_id(token.text)
        if arxiv is not None and any(ch.isdigit() for ch in token.text):
            return Attr("id", arxiv[0].lower(), position=token.pos)
        return _words(token.text, ("title", "authors", "abstract"), token.pos)

    def _field(self, token: _Token) -> Node | None:
        typed = token.name.lower()
        if typed in ("arxiv", "http", "https"):
            # A pasted id or URL: search by id rather than failing on an unknown field.
            whole = f"{token.name}:{token.text}"
            arxiv = split_arxiv_id(whole)
            if arxiv is None:
                raise QuerySyntaxError(f"not an arXiv id or URL: '{whole}'", token.pos)
            return Attr("id", arxiv[0].lower(), position=token.pos)
        name = FIELD_ALIASES.get(typed)
        if name is None:
            known = "title author abs id cat tag source is has upvotes stars comments date listed sort like"
            raise QuerySyntaxError(
                f"unknown field '{token.name}:' (known: {known.replace(' ', ', ')})", token.pos
            )
        value = token.text.strip()
        where = token.value_pos
        if not value:
            raise QuerySyntaxError(f"{typed}: needs a value", token.pos)
        if name in _TEXT_FIELD:
            field_name = _TEXT_FIELD[name]
            if token.quoted:
                return Phrase(normalise_phrase(value), (field_name,), position=token.pos)
            node = _words(value, (field_name,), token.pos)
            if node is None:
                raise QuerySyntaxError(f"{typed}: needs letters or digits", where)
            return node
        if name == "id":
            arxiv = split_arxiv_id(value)
            return Attr("id", (arxiv[0] if arxiv else value).lower(), position=token.pos)
        if name in ("cat", "source"):
            return Attr(name, value.lower(), position=token.pos)
        if name == "tag":
            tag = normalise_tag(value)
            if not tag:
                raise QuerySyntaxError("tag: needs a value", where)
            return Attr("tag", tag, position=token.pos)
        if name == "is":
            flag = value.lower()
            if flag not in IS_VALUES:
                raise QuerySyntaxError(
                    f"unknown is: value '{value}' (expected {', '.join(IS_VALUES)})", where
                )
            return Is(flag, position=token.pos)
        if name == "has":
            flag = value.lower()
            if flag not in HAS_VALUES:
                raise QuerySyntaxError(
                    f"unknown has: value '{value}' (expected {', '.join(HAS_VALUES)})", where
                )
            return Has(flag, position=token.pos)
        if name in _NUMBER_FIELDS:
            low, high = _number_range(value, name, where)
            return NumberRange(name, low, high, position=token.pos)
        if name in ("date", "listed"):
            op, spec = _split_operator(value)
            spec = spec.lower()
            try:
                dates.validate(op, spec)
            except dates.DateSpecError as exc:
                raise QuerySyntaxError(str(exc), where + len(op)) from None
            return DateRange(name, op, spec, position=token.pos)
        if name == "like":
            self._set_rank(value, where, token.pos)
            return None
        # sort
        self._set_sort(value.lower(), where)
        return None

    def _set_rank(self, value: str, where: int, position: int) -> None:
        """`like:#tag` ranks by the tag's model, `like:ID[,ID...]` by likeness to papers."""
        if value.startswith("#"):
            tag = normalise_tag(value[1:])
            if not tag:
                raise QuerySyntaxError("like:# needs a tag name", where)
            self.rank = Rank("tag", (tag,), position=position)
        else:
            ids = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
            if not ids:
                raise QuerySyntaxError("like: needs a paper id or #tag", where)
            self.rank = Rank("like", ids, position=position)
        self.sort, self.reverse = None, False

    def _set_sort(self, value: str, where: int) -> None:
        if value in _FOR_YOU:
            self.rank = Rank("for-you", position=where)
            self.sort, self.reverse = None, False
            return
        reverse = False
        key = value
        if key in _ORDER_ALIASES:
            key, reverse = _ORDER_ALIASES[key]
        else:
            if key.startswith("-"):
                key, reverse = key[1:], True
            elif key.endswith("-asc") or key.endswith("-desc"):
                key, _, direction = key.rpartition("-")
                # date and upvotes run high to low by default, title A to Z.
                reverse = (direction == "asc") != (key == "title")
        if key not in SORT_KEYS:
            raise QuerySyntaxError(
                f"unknown sort key '{value}' (expected {', '.join((*SORT_KEYS, 'for-you'))})", where
            )
        if key == "relevance" and reverse:
            raise QuerySyntaxError("sort:relevance cannot be reversed", where)
        self.sort, self.reverse, self.rank = key, reverse, None


def _words(text: str, fields: tuple[str, ...], position: int) -> Node | None:
    """One Word per letter-and-digit run of `text` (AND-ed), None if it has none."""
    parts = list(dict.fromkeys(words_of(text)))
    if not parts:
        return None
    nodes = [Word(part, fields, position=position) for part in parts]
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes), position=position)


def _split_operator(value: str) -> tuple[str, str]:
    for op in dates.OPERATORS:
        if value.startswith(op):
            return op, value[len(op) :].strip()
    return "", value


def _number_range(value: str, name: str, where: int) -> tuple[int | None, int | None]:
    """`>50` -> (51, None); `10..50` -> (10, 50); `7` -> (7, 7)."""
    op, rest = _split_operator(value)

    def number(text: str, offset: int) -> int:
        try:
            return int(text)
        except ValueError:
            raise QuerySyntaxError(f"bad number '{text}' for {name}:", where + offset) from None

    if ".." in rest and not op:
        first, _, last = rest.partition("..")
        if not first and not last:
            raise QuerySyntaxError(f"bad range '{value}' for {name}:", where)
        low = number(first, 0) if first else None
        high = number(last, len(first) + 2) if last else None
        if low is not None and high is not None and low > high:
            raise QuerySyntaxError(f"empty range '{value}' for {name}:", where)
        return low, high
    amount = number(rest, len(op))
    if op == ">":
        return amount + 1, None
    if op == ">=":
        return amount, None
    if op == "<":
        return None, amount - 1
    if op == "<=":
        return None, amount
    return amount, amount
