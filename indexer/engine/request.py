"""What a search asks for: parameters validated once, the same for the page, the API, the feed and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

MAX_PER_PAGE = 100
MAX_PAGE = 1000
# the fields results are counted and filtered by; "person" holds several values an article (documents.person_token)
FACETS = ("year", "department", "category", "site", "person")
# the `filetype` filter: "any" (có tệp đính kèm) or one type of attached file
FILTERS = (*FACETS, "filetype")  # fields a search may be restricted to one value of
# what each search parameter is called where people read it: facets, chips, alert messages (Vietnamese)
LABELS = {"year": "Năm", "department": "Đơn vị", "category": "Chuyên mục", "site": "Trang nguồn", "person": "Người",
          "filetype": "Tệp đính kèm", "from": "Từ ngày", "to": "Đến ngày", "event_from": "Diễn ra từ",
          "event_to": "Diễn ra đến"}
FILETYPES = {"any": "có tệp đính kèm", "pdf": "PDF", "doc": "Word (.doc)", "docx": "Word (.docx)",
             "odt": "OpenDocument (.odt)", "xls": "Excel (.xls)", "xlsx": "Excel (.xlsx)"}


class InvalidParameter(ValueError):
    """A search parameter with a value we cannot use; the message is shown to the user (Vietnamese)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    year: str | None = None
    department: str | None = None
    category: str | None = None
    site: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    filetype: str | None = None
    person: str | None = None
    event_from: date | None = None  # the days events take place on (documents.article_event_dates)
    event_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> SearchRequest:
        """Validate user-supplied parameters (API, form, CLI); raises InvalidParameter."""

        def text(name: str) -> str | None:
            value = params.get(name)
            return str(value).strip() or None if value is not None else None

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise InvalidParameter(name, f"Tham số '{name}' phải là số nguyên, không phải {raw!r}.") from None
            if not low <= value <= high:
                raise InvalidParameter(name, f"Tham số '{name}' phải nằm trong khoảng {low}–{high}.")
            return value

        def day(name: str) -> date | None:
            raw = text(name)
            if raw is None:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise InvalidParameter(name, f"Tham số '{name}' phải là ngày dạng YYYY-MM-DD.") from None

        year = text("year")
        if year is not None and not (year.isdigit() and len(year) == 4):
            raise InvalidParameter("year", f"Năm không hợp lệ: {year!r}. Hãy dùng 4 chữ số, ví dụ 2019.")
        filetype = (text("filetype") or "").lower() or None
        if filetype is not None and filetype not in FILETYPES:
            raise InvalidParameter("filetype", f"Loại tệp không hợp lệ: {filetype!r}. Hãy dùng một trong: "
                                               f"{', '.join(FILETYPES)}.")
        sort = text("sort") or "relevance"
        if sort not in ("relevance", "newest"):
            raise InvalidParameter("sort", "Tham số 'sort' chỉ nhận 'relevance' hoặc 'newest'.")
        event_from, event_to = day("event_from"), day("event_to")
        if event_from and event_to and event_from > event_to:
            raise InvalidParameter("event_from", f"Ngày diễn ra từ ({event_from:%d/%m/%Y}) đang sau ngày diễn ra đến "
                                                 f"({event_to:%d/%m/%Y}). Hãy đổi lại khoảng thời gian.")
        return cls(
            q=str(params.get("q") or ""), year=year, department=text("department"),
            category=text("category"), site=text("site"), date_from=day("from"), date_to=day("to"), filetype=filetype,
            person=text("person"), event_from=event_from, event_to=event_to,
            sort=sort, page=integer("page", 1, 1, MAX_PAGE),
            per_page=integer("per_page", 10, 1, MAX_PER_PAGE),
        )

    def filters(self) -> dict[str, str]:
        """The field → value restrictions asked for: facets and the attachments' file type."""
        return {k: v for k in FILTERS if (v := getattr(self, k))}
