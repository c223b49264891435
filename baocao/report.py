"""The report people read and sign: the seed article's paragraphs, for any unit and period.

`fetch` reads the warehouse (read-only). `compose` turns its figures into sections of
Vietnamese sentences and `render` (text), `render_markdown` and `render_html` lay them out;
all pure (`baocao.report_docx` writes the signed Word document from the same sections).

A clause is written only when its figures exist for the unit and period: a missing figure
is neither printed as "—" nor taken for 0, and a section without figures is left out and
named in a closing line. The wording follows the unit's level (a ward's own one-stop desk,
the town's desk and its communes, a province's) and the scope.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import duckdb

from common.vn_format import vn_date, vn_int, vn_pct, vn_period

# Unit types in the order Vietnamese texts list them ("các xã, phường, thị trấn").
_TYPE_ORDER = ["Huyện", "Quận", "Thị xã", "Thành phố", "Xã", "Phường", "Thị trấn", "Đặc khu"]
_LEVELS_BELOW = {"province": ["district", "commune"], "district": ["commune"], "commune": []}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # "Thị xã Phước Long"
    unit_type: str  # "Thị xã"
    level: str  # 'province', 'district' or 'commune'
    parent: str | None  # the unit above it on the period's last day, as in a sentence

    @property
    def kind(self) -> str:
        """'thị xã', 'phường': the unit's type inside a sentence."""
        return self.unit_type.lower()

    @property
    def in_sentence(self) -> str:
        """'thị xã Phước Long': the name inside a sentence (the type in lower case)."""
        return _lower_type(self.name, self.unit_type)

    @property
    def place(self) -> str:
        """The place name of Decree 30 (the name without its type: 'Phước Long'); a unit
        named by a number keeps its type ('Phường 1')."""
        rest = self.name[len(self.unit_type):].strip() if self.name.startswith(
            self.unit_type) else self.name
        return self.name if not rest or rest.isdigit() else rest


def _lower_type(name: str, unit_type: str | None) -> str:
    if unit_type and name.startswith(unit_type):
        return unit_type.lower() + name[len(unit_type):]
    return name


@dataclass
class ReportData:
    unit: Unit
    scope: str  # 'area': the unit and every unit below it; 'unit': its own reporters/desk
    period_code: str
    start_date: object
    end_date: object
    one_stop: dict[str, object]
    indicators: dict[str, dict[str, object]]  # code → actual, plan, rate
    ratios: dict[str, float | None]
    below: list[tuple[str, str]]  # (level, unit type) of the units below it, for wording
    communes: int  # commune-level units below it on the period's last day
    communes_reporting: int  # … of which reported new (near-)poor households
    communes_without_new_poor: int  # … of which reported none
    complete: bool  # the data reach the period's end
    data_as_of: object  # the newest input's time (meta_publish)


def fetch(con: duckdb.DuckDBPyConnection, period_code: str, unit_code: str,
          scope: str = "area", as_closed: bool = False) -> ReportData:
    """The report's figures; LookupError (in Vietnamese) for a period or unit the
    warehouse cannot report on, rather than a report of blanks. `as_closed`: the one-stop
    and indicator figures as they were sent when the period was closed (`baocao close`)."""
    period = con.execute("select start_date, end_date from dim_period where period_code = ?",
                         [period_code]).fetchone()
    if period is None:
        raise LookupError(f"Không có kỳ báo cáo '{period_code}'.")
    end = period[1]
    unit = unit_in_area(con, unit_code, end)
    (data_as_of,) = con.execute("select data_as_of from meta_publish").fetchone() or (None,)
    where = "where unit_code = ? and period_code = ? and scope = ?"
    params = [unit_code, period_code, scope]
    cursor = con.execute(f"select * from report_one_stop {where}", params)
    row = cursor.fetchone()
    if row is None:
        raise LookupError(
            f"Chưa có số liệu của đơn vị '{unit_code}' cho {vn_period(period_code)}: số liệu "
            f"trong kho mới đến ngày {vn_date(data_as_of)}.")
    one_stop = dict(zip([d[0] for d in cursor.description], row, strict=True))
    indicators = {code: {"actual": a, "plan": p, "rate": r} for code, a, p, r in con.execute(
        "select indicator_code, actual_value, plan_value, achievement_rate"
        f" from report_indicator {where}", params).fetchall()}
    ratios = dict(con.execute(f"select ratio_code, rate from report_indicator_ratio {where}",
                              params).fetchall())
    below = con.execute(
        _BELOW + "select distinct level, unit_type from below", [unit_code, end, end]).fetchall()
    communes, reporting, clean = con.execute(
        _BELOW + """
        select count(*),
               count(*) filter (where np.actual_value is not null
                                   or nnp.actual_value is not null),
               count(*) filter (where coalesce(np.actual_value, 0) = 0
                                  and coalesce(nnp.actual_value, 0) = 0
                                  and (np.actual_value is not null
                                       or nnp.actual_value is not null))
        from below u
        left join report_indicator np on np.unit_key = u.unit_key
             and np.period_code = ? and np.scope = 'area'
             and np.indicator_code = 'new_poor_households'
        left join report_indicator nnp on nnp.unit_key = u.unit_key
             and nnp.period_code = ? and nnp.scope = 'area'
             and nnp.indicator_code = 'new_near_poor_households'
        where u.level = 'commune'""", [unit_code, end, end, period_code, period_code]
    ).fetchone()
    if as_closed:
        _as_closed(con, params, one_stop, indicators)
    indicators_complete = con.execute(
        f"select bool_and(complete) from report_indicator {where}", params).fetchone()[0]
    return ReportData(unit, scope, period_code, period[0], end, one_stop, indicators, ratios,
                      below, communes, reporting, clean,
                      bool(one_stop["complete"]) and indicators_complete is not False,
                      data_as_of)


def _as_closed(con: duckdb.DuckDBPyConnection, params: list, one_stop: dict,
               indicators: dict) -> None:
    """Put the closed values in place of today's (report_closed, written by `baocao
    close`); achievement rates follow their closed actual values."""
    closed = dict(con.execute(
        "select figure, closed_value from report_closed where unit_code = ?"
        " and period_code = ? and scope = ?", params).fetchall())
    if not closed:
        raise LookupError(f"Kỳ {params[1]} của đơn vị {params[0]} chưa được chốt "
                          "(baocao close), nên không có số liệu đã gửi để in.")
    for figure, value in closed.items():
        if figure in one_stop:
            one_stop[figure] = value
        elif figure in indicators:
            figures = indicators[figure]
            figures["actual"] = value
            if figures["rate"] is not None and figures["plan"]:
                figures["rate"] = value / figures["plan"]


# The units below a unit (parameters: its code, the day twice), as valid on the day.
_BELOW = """
    with recursive below(unit_key, unit_code, level, unit_type) as (
        select unit_key, unit_code, level, unit_type from dim_admin_unit
        where parent_code = ? and intermediate.is_valid_on(valid_from, valid_to, ?)
        union all
        select u.unit_key, u.unit_code, u.level, u.unit_type
        from dim_admin_unit u join below b on u.parent_code = b.unit_code
        where intermediate.is_valid_on(u.valid_from, u.valid_to, ?))
    """


def unit_in_area(con: duckdb.DuckDBPyConnection, unit_code: str, day) -> Unit:
    """Only units whose figures are all in this data folder: a unit the area covers in part
    (the province above a town) would show the area's figures under its own name."""
    found = con.execute(
        """select u.in_area, u.unit_name, u.unit_type, u.level, p.unit_name, p.unit_type
           from dim_admin_unit u
           left join dim_admin_unit p on p.unit_code = u.parent_code
                and intermediate.is_valid_on(p.valid_from, p.valid_to, ?)
           where u.unit_code = ? and intermediate.is_valid_on(u.valid_from, u.valid_to, ?)""",
        [day, unit_code, day]).fetchone()
    if found is None:
        raise LookupError(f"Không có đơn vị mã '{unit_code}' vào ngày {vn_date(day)} trong "
                          "kho số liệu.")
    in_area, name, unit_type, level, parent, parent_type = found
    if not in_area:
        raise LookupError(
            f"Đơn vị '{unit_code}' không thuộc địa bàn của kho số liệu vào ngày "
            f"{vn_date(day)}: kho chỉ có một phần số liệu của đơn vị này.")
    return Unit(unit_code, name, unit_type, level,
                _lower_type(parent, parent_type) if parent else None)


# ---------------------------------------------------------------- composing the sentences

@dataclass
class Section:
    title: str  # "Y tế"
    text: str  # its sentences, the first in lower case after the title's colon
    notes: list[str]  # lines under it ("Đối chiếu: …")


@dataclass
class Report:
    data: ReportData
    title: str
    period_line: str
    as_of: str | None  # said when the data do not reach the period's end
    sections: list[Section]
    missing: str | None  # the sections left out for want of figures


def _sentences(*parts: str | None) -> str:
    """Sentences joined: those without figures (None, '') left out, each after the first
    capitalised."""
    kept = [p for p in parts if p]
    return ". ".join([kept[0], *(p[:1].upper() + p[1:] for p in kept[1:])]) + "." if kept \
        else ""


def _kinds(below: list[tuple[str, str]], level: str) -> str:
    """'xã, phường': the types of the units of a level below the unit, in the usual order."""
    types = sorted({t for lv, t in below if lv == level},
                   key=lambda t: (_TYPE_ORDER.index(t) if t in _TYPE_ORDER else 99, t))
    return ", ".join(t.lower() for t in types)


class _Figures:
    """The indicators of the report, each figure None when the warehouse has none."""

    def __init__(self, indicators: dict[str, dict[str, object]]):
        self._ind = indicators

    def actual(self, code: str) -> float | None:
        return self._ind.get(code, {}).get("actual")

    def plan(self, code: str) -> float | None:
        return self._ind.get(code, {}).get("plan")

    def rate(self, code: str) -> float | None:
        return self._ind.get(code, {}).get("rate")

    def achieved(self, code: str, unit: str) -> str | None:
        """'2.585 lao động, đạt 73,86% (kế hoạch giao 3.500 lao động)', as far as known."""
        actual = self.actual(code)
        if actual is None:
            return None
        text = f"{vn_int(actual)} {unit}"
        if self.rate(code) is not None:
            text += f", đạt {vn_pct(self.rate(code))}"
        if self.plan(code) is not None:
            text += f" (kế hoạch giao {vn_int(self.plan(code))} {unit})"
        return text


def compose(data: ReportData) -> Report:
    f = _Figures(data.indicators)
    as_of = None
    if not data.complete:
        as_of = (f"Số liệu đến ngày {vn_date(data.data_as_of)}: kỳ báo cáo chưa có đủ số liệu."
                 if data.data_as_of else "Kỳ báo cáo chưa có đủ số liệu.")
    candidates = [_one_stop(data), Section("Y tế", _health(f), []),
                  Section("An sinh xã hội", _welfare(f), []),
                  Section("Lao động - việc làm", _labour(f), []),
                  Section("Giảm nghèo", _poverty(data, f), [])]
    sections = [s for s in candidates if s.text]
    left_out = [s.title.lower() for s in candidates if not s.text]
    return Report(
        data, f"BÁO CÁO KẾT QUẢ THỰC HIỆN — {data.unit.name.upper()}",
        f"Kỳ báo cáo {data.period_code}: từ ngày {vn_date(data.start_date)} đến ngày "
        f"{vn_date(data.end_date)}", as_of, sections,
        f"Kỳ này chưa có số liệu về {', '.join(left_out)}." if left_out else None)


def one_stop_desk(data: ReportData) -> str:
    """Whose one-stop desks the figures count: 'bộ phận một cửa của phường', 'bộ phận một
    cửa thị xã và các xã, phường', 'bộ phận một cửa tỉnh và các xã, phường'."""
    unit = data.unit
    if unit.level == "commune":
        return f"bộ phận một cửa của {unit.kind}"
    desk = f"bộ phận một cửa {unit.kind}"
    if data.scope != "area":
        return desk
    kinds = [k for level in _LEVELS_BELOW.get(unit.level, [])
             if (k := _kinds(data.below, level))]
    if len(kinds) > 1:
        return f"{desk}, các {', các '.join(kinds[:-1])} và các {kinds[-1]}"
    return f"{desk} và các {kinds[0]}" if kinds else desk


def _one_stop(data: ReportData) -> Section:
    o = data.one_stop
    resolved = o["resolved_total"]
    if o["received_new"]:
        new = (f"tiếp nhận mới {vn_int(o['received_new'])}, trong đó trực tuyến "
               f"{vn_int(o['received_online'])}, trực tiếp {vn_int(o['received_direct'])}, "
               f"qua bưu chính công ích {vn_int(o['received_postal'])}")
    else:
        new = "không có hồ sơ tiếp nhận mới"
    received = (f"tổng số hồ sơ tiếp nhận {vn_int(o['received_total'])} hồ sơ (kỳ trước "
                f"chuyển sang {vn_int(o['carried_over'])}; {new})")
    if resolved:
        done = (f"đã giải quyết {vn_int(resolved)} hồ sơ, trong đó sớm và đúng hạn "
                f"{vn_int(o['resolved_early'] + o['resolved_on_time'])} hồ sơ, đạt "
                f"{vn_pct(o['on_time_rate'], 1)}; quá hạn {vn_int(o['resolved_late'])} hồ sơ, "
                f"chiếm {vn_pct(o['resolved_late'] / resolved, 1)}")
    else:
        done = "chưa giải quyết xong hồ sơ nào"
    pending = (f"đang giải quyết {vn_int(o['pending_total'])} hồ sơ (trong hạn "
               f"{vn_int(o['pending_within_due'])}, quá hạn {vn_int(o['pending_overdue'])})")
    online = [f"{vn_pct(o[rate])} trên {what}" for rate, what in (
        ("online_rate_eligible", "số hồ sơ của thủ tục mức độ 3, 4"),
        ("online_rate", "tổng số hồ sơ mức độ 2, 3, 4")) if o[rate] is not None]
    return Section(
        f"Giải quyết thủ tục hành chính ({one_stop_desk(data)})",
        _sentences(received, done, pending,
                   f"tỷ lệ hồ sơ trực tuyến đạt {' và '.join(online)}" if online else None),
        [f"Đối chiếu: {vn_int(o['received_total'])} tiếp nhận = {vn_int(resolved)} đã giải "
         f"quyết + {vn_int(o['withdrawn'])} rút/trả lại hồ sơ + {vn_int(o['pending_total'])} "
         "đang giải quyết."])


def _health(f: _Figures) -> str:
    def dose(label: str, code: str) -> str | None:
        actual = f.actual(code)
        if actual is None:
            return None
        rate = f.rate(code)
        return f"{label}{vn_int(actual)} người" + (f", đạt {vn_pct(rate)}" if rate is not None
                                                  else "")

    def group(who: str, rounds: str, doses: list[str | None], tail: str | None = None
              ) -> str | None:
        known = [d for d in doses if d]
        text = who
        if f.actual(rounds) is not None:
            text += f" được {vn_int(f.actual(rounds))} đợt"
        if known:
            text += f" ({'; '.join(known)})"
        if text == who:
            return f"{who}: {tail}" if tail else None
        return f"{text}, {tail}" if tail else text

    booster = dose("", "vax_18_booster")
    booster_rounds = f.actual("vax_rounds_booster")
    boosters = None
    if booster is not None or booster_rounds is not None:
        boosters = ((f"{vn_int(booster_rounds)} đợt " if booster_rounds is not None else "")
                    + "tiêm mũi nhắc lại" + (f" ({booster})" if booster else ""))
    additional = dose("", "vax_18_additional")
    additional = f"mũi bổ sung ({additional})" if additional else None
    tail = f"{boosters} và {additional}" if boosters and additional else (
        boosters or (f"tiêm {additional}" if additional else None))
    groups = [g for g in (
        group("người từ 18 tuổi trở lên", "vax_rounds_18",
              [dose("mũi 1: ", "vax_18_dose1"), dose("mũi 2: ", "vax_18_dose2")], tail),
        group("trẻ từ 12 đến dưới 18 tuổi", "vax_rounds_12_17",
              [dose("mũi 1: ", "vax_12_17_dose1"), dose("mũi 2: ", "vax_12_17_dose2")]),
        group("trẻ từ 5 đến dưới 12 tuổi", "vax_rounds_5_11",
              [dose("mũi 1: ", "vax_5_11_dose1")])) if g]
    f0, food = f.actual("covid_f0_active"), f.actual("food_safety_inspected")
    return _sentences(
        "tiêm vắc xin phòng Covid-19 cho " + "; ".join(groups) if groups else None,
        f"số ca F0 đang cách ly, điều trị: {vn_int(f0)}" if f0 is not None else None,
        f"số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm: {vn_int(food)} cơ sở"
        if food is not None else None)


def _welfare(f: _Figures) -> str:
    tet = None
    if f.actual("tet_gifts") is not None:
        tet = f"tổng số phần quà Tết {vn_int(f.actual('tet_gifts'))} phần"
        if f.actual("tet_gifts_value") is not None:
            tet += f", trị giá {vn_int(f.actual('tet_gifts_value'))} đồng"
    recipients = [(f.actual(code), who) for code, who in (
        ("party_gifts_poor", "hộ nghèo"), ("party_gifts_near_poor", "hộ cận nghèo"),
        ("party_gifts_orphan", "trẻ em mồ côi cả cha lẫn mẹ")) if f.actual(code) is not None]
    party = None
    if recipients:
        party = f"Thị ủy hỗ trợ riêng {vn_int(sum(n for n, _ in recipients))} phần quà"
        if f.actual("party_gifts_value") is not None:
            party += f", trị giá {vn_int(f.actual('party_gifts_value'))} đồng"
        if any(n for n, _ in recipients):  # a breakdown of nothing says nothing
            party += f" ({', '.join(f'{vn_int(n)} {who}' for n, who in recipients)})"
    return _sentences("; ".join(p for p in (tet, party) if p))


def _labour(f: _Figures) -> str:
    jobs = f.achieved("jobs_created", "lao động")
    value, workers = f.actual("job_loans_value"), f.actual("job_loans_workers")
    loans = None
    if value is not None:
        loans = f"giải ngân {vn_int(value)} đồng vốn vay giải quyết việc làm" + (
            f" cho {vn_int(workers)} lao động" if workers is not None else "")
    elif workers is not None:
        loans = f"cho {vn_int(workers)} lao động vay vốn giải quyết việc làm"
    training = f.achieved("vocational_trainees", "lao động")
    return _sentences("; ".join(p for p in (
        f"giải quyết việc làm cho {jobs}" if jobs else None, loans) if p),
        f"đào tạo nghề cho {training}" if training else None)


def _poverty(data: ReportData, f: _Figures) -> str:
    clauses, verb_before = [], None
    for kind, start, now in (("hộ nghèo", "poor_rate_start", "poor_rate"),
                             ("hộ cận nghèo", "near_poor_rate_start", "near_poor_rate")):
        a, b = data.ratios.get(start), data.ratios.get(now)
        if a is None or b is None:
            continue
        if a == b:
            clauses.append(f"tỷ lệ {kind} không đổi ({vn_pct(a)})")
            verb_before = None
            continue
        digits = 2  # enough decimals for the two rates to read differently
        while digits < 4 and vn_pct(a, digits) == vn_pct(b, digits):
            digits += 1
        verb, to = ("giảm", "xuống còn") if b < a else ("tăng", "lên")
        # "tỷ lệ hộ nghèo giảm từ …; tỷ lệ hộ cận nghèo từ …": the verb said once
        clauses.append(f"tỷ lệ {kind}{'' if verb == verb_before else ' ' + verb} từ "
                       f"{vn_pct(a, digits)} {to} {vn_pct(b, digits)}")
        verb_before = verb
    changes, verb_before = [], None
    for kind, start, now in (("hộ nghèo", "poor_households_start", "poor_households"),
                             ("hộ cận nghèo", "near_poor_households_start",
                              "near_poor_households")):
        a, b = f.actual(start), f.actual(now)
        if a is None or b is None or a == b:
            continue
        verb = "giảm" if b < a else "tăng"
        changes.append(f"{'' if verb == verb_before else verb + ' '}{vn_int(abs(a - b))} {kind}")
        verb_before = verb
    rates = "; ".join(clauses)
    if changes:
        rates = (f"{rates} ({'; '.join(changes)})" if rates
                 else f"so với đầu năm, {'; '.join(changes)}")
    return _sentences(rates, _new_poor(data, f))


def _new_poor(data: ReportData, f: _Figures) -> str | None:
    """'07/07 xã, phường không có hộ nghèo, hộ cận nghèo phát sinh mới' for the units
    below; a commune's own figures for a commune."""
    if data.unit.level == "commune":
        known = [(f.actual(code), kind) for code, kind in (
            ("new_poor_households", "hộ nghèo"),
            ("new_near_poor_households", "hộ cận nghèo")) if f.actual(code) is not None]
        if not known:
            return None
        if not any(n for n, _ in known):
            return (f"trên địa bàn {data.unit.kind} không có "
                    f"{', '.join(k for _, k in known)} phát sinh mới")
        return (f"trên địa bàn {data.unit.kind} phát sinh mới "
                f"{', '.join(f'{vn_int(n)} {k}' for n, k in known)}")
    if data.scope != "area" or not data.communes_reporting:
        return None
    kinds = _kinds(data.below, "commune")
    text = (f"{data.communes_without_new_poor:02d}/{data.communes:02d} {kinds} không có hộ "
            "nghèo, hộ cận nghèo phát sinh mới")
    unknown = data.communes - data.communes_reporting
    return text + (f"; {unknown:02d} {kinds} chưa có số liệu" if unknown else "")


# ---------------------------------------------------------------- layouts

def render(data: ReportData) -> str:
    """The report as plain text (the terminal, an e-mail)."""
    report = compose(data)
    head = report.title + "\n" + report.period_line + (f"\n{report.as_of}" if report.as_of
                                                       else "")
    blocks = [head] + [f"{i}. {s.title}: {s.text}" + "".join(f"\n   {n}" for n in s.notes)
                       for i, s in enumerate(report.sections, start=1)]
    return "\n\n".join(blocks + ([report.missing] if report.missing else []))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def render_markdown(data: ReportData) -> str:
    report = compose(data)

    def md(text: str) -> str:
        return _MD_SPECIAL.sub(r"\\\1", text)

    lines = [f"# {md(report.title)}", "", md(report.period_line)]
    if report.as_of:
        lines += ["", f"*{md(report.as_of)}*"]
    for i, s in enumerate(report.sections, start=1):
        lines += ["", f"**{i}. {md(s.title)}:** {md(s.text)}"]
        lines += [line for n in s.notes for line in ("", f"> {md(n)}")]
    if report.missing:
        lines += ["", f"*{md(report.missing)}*"]
    return "\n".join(lines) + "\n"


_STYLE = ("body{font-family:'Times New Roman',serif;font-size:14pt;max-width:46em;"
          "margin:2em auto;line-height:1.45}h1{font-size:15pt;text-align:center}"
          "p{text-align:justify}.note{font-style:italic}.period{text-align:center}")


def render_html(data: ReportData) -> str:
    """A self-contained page (opens from a file or an e-mail, prints on A4)."""
    report = compose(data)
    e = html.escape
    body = [f"<h1>{e(report.title)}</h1>", f'<p class="period">{e(report.period_line)}</p>']
    if report.as_of:
        body.append(f'<p class="note">{e(report.as_of)}</p>')
    for i, s in enumerate(report.sections, start=1):
        body.append(f"<p><strong>{i}. {e(s.title)}:</strong> {e(s.text)}</p>")
        body += [f'<p class="note">{e(n)}</p>' for n in s.notes]
    if report.missing:
        body.append(f'<p class="note">{e(report.missing)}</p>')
    return ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f"<title>{e(report.title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
