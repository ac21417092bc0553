"""The program report as JSON, Markdown and HTML, each rendered from the one report dict.

HTML comes from a Jinja2 template with autoescaping on (every value from an
export is text, never markup), and its charts are pygal SVG, drawn inline. pygal
puts a small script in each chart for its tooltips; the tree is cleaned of every
script element, event attribute and link before it is serialised, and the page
carries a Content-Security-Policy that runs and fetches nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pygal
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pygal.style import Style

from pairjournal.program.report import BANDS, METRIC_LABELS, RATINGS
from pairjournal.sharing.escaping import md_text
from pairjournal.termtext import json_text, printable

FORMATS = ("html", "md", "json")
SVG_NS = "http://www.w3.org/2000/svg"
_LINK_ATTRIBUTES = {"href", "{http://www.w3.org/1999/xlink}href", "src"}
STYLE = Style(background="white", plot_background="white", font_family="sans-serif",
              colors=("#2b6cb0", "#a0aec0", "#38a169", "#d69e2e", "#805ad5", "#e53e3e"))


def render_json(report: dict[str, Any]) -> bytes:
    # json_text: C1 controls (a raw CSI) escaped too, so the report printed to a terminal commands nothing.
    return (json_text(report, indent=2, sort_keys=False) + "\n").encode("utf-8")


def shown(row: dict[str, Any], name: str) -> str:
    """A cell as a person reads it: its number, or why it is withheld."""
    value = row.get(name)
    return str(value) if value is not None else str(row.get(f"{name}_reason", "withheld"))


# -- Markdown ----------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    """One line of Markdown; control characters (a terminal escape in a name or a text) written visibly."""
    return printable(md_text(text).replace("\n", " "))


def _md_group_table(groups: list[tuple[str, dict[str, Any]]]) -> list[str]:
    head = "| | " + " | ".join(_md_cell(name) for name, _ in groups) + " |"
    out = [head, "|---" * (len(groups) + 1) + "|"]
    for metric, label in METRIC_LABELS.items():
        out.append(f"| {label} | " + " | ".join(shown(g, metric) for _, g in groups) + " |")
    for index, band in enumerate(BANDS):
        label = groups[0][1]["adherence"][index]["label"]
        out.append(f"| Pairs with adherence {label} | "
                   + " | ".join(shown(g["adherence"][index], "pairs") for _, g in groups) + " |")
        assert groups[0][1]["adherence"][index]["band"] == band
    for index, _rating in enumerate(RATINGS):
        label = groups[0][1]["progress"][index]["label"]
        out.append(f"| Objectives {label} | "
                   + " | ".join(shown(g["progress"][index], "objectives") for _, g in groups) + " |")
    return out


def _groups(report: dict[str, Any]) -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """(heading, columns) for each table: all programs, then each program beside its cohorts."""
    tables = [("All programs", [("All programs", report["totals"])]
                               + [(p["name"], p) for p in report["programs"]])]
    for program in report["programs"]:
        tables.append((f"Program: {program['name']}",
                       [(program["name"], program)] + [(c["name"], c) for c in program["cohorts"]]))
    return tables


def render_markdown(report: dict[str, Any]) -> bytes:
    k = report["min_pairs"]
    out = [
        "# Program report",
        "",
        f"Made {report['generated']}. Files seen: {report['files_seen']}; verified: {report['files_verified']}; "
        f"counted: {report['files_counted']}; verified, not counted: {len(report['not_counted'])}; "
        f"refused: {len(report['refused'])}.",
        "",
        f"Every cell is drawn from at least {k} pairs: a smaller cell shows \"fewer than {k} pairs\", and a few more "
        "are withheld so that none of those can be worked out from the shown ones.",
        "",
    ]
    for heading, columns in _groups(report):
        out += [f"## {_md_cell(heading)}", "", *_md_group_table(columns), ""]
    out += ["## Sessions by the month each period ends", "", "| Month | Held | Expected |", "|---|---|---|"]
    out += [f"| {m['month']} | {shown(m, 'held')} | {shown(m, 'expected')} |" for m in report["sessions_by_month"]]
    out += ["", "## Shared takeaways and recognitions", ""]
    for entry in report["shared_texts"]:
        out += [f"### {_md_cell(entry['program'])}", ""]
        if entry["items"] is None:
            out += [f"Withheld: {entry['items_reason']}.", ""]
            continue
        if entry.get("pairs_reason"):
            out += [f"{_md_cell(entry['pairs_reason'])[0].upper()}{_md_cell(entry['pairs_reason'])[1:]}.", ""]
        out += [f"- {_md_cell(t['pair']) + ', ' if t['pair'] is not None else ''}{t['kind']} of {t['on']} "
                f"({_consent(t)}): {_md_cell(t['text'])}"
                for t in entry["items"]] or ["None shared."]
        out.append("")
    out += _md_list("Refused files", [f"{_md_cell(r['file'])}: {_md_cell(r['reason'])}" for r in report["refused"]])
    out += _md_list("Verified, not counted (genuine Markdown or HTML exports)",
                    [f"{_md_cell(u['file'])}: {_md_cell(u['reason'])}" for u in report["not_counted"]])
    out += _md_list("Pairs whose two exports disagree",
                    [f"{_md_cell(d['pair'])} ({_md_cell(', '.join(d['files']))}): "
                     f"{_md_cell(', '.join(d['differences']))} differ" if d["files"] else _md_cell(d["pair"])
                     for d in report["disagreements"]])
    out += _md_list("Older exports set aside",
                    [f"{_md_cell(s['file'])}: a newer export of the same journal and pair over an overlapping "
                     f"period is {_md_cell(s['by'])}"
                     for s in report["superseded"]])
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def _md_list(heading: str, lines: list[str]) -> list[str]:
    return [f"## {heading}", "", *([f"- {line}" for line in lines] or ["None."]), ""]


def _consent(text: dict[str, Any]) -> str:
    return "consent signed by the partner" if text["consent"] == "partner" else "consent recorded by the author"


# -- HTML ---------------------------------------------------------------------------------------------


def clean_svg(root: ET.Element) -> str:
    """An SVG tree with nothing in it that could run or fetch: no script, no on* attribute, no link."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1].lower() in {"script", "foreignobject"}:
                parent.remove(child)
    for element in root.iter():
        for name in list(element.attrib):
            if name.rsplit("}", 1)[-1].lower().startswith("on") or name in _LINK_ATTRIBUTES:
                del element.attrib[name]
    ET.register_namespace("", SVG_NS)
    text = ET.tostring(root, encoding="unicode")
    # The serialiser keeps pygal's comments (its name and the date); they carry nothing of the exports.
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def _chart(chart: Any) -> Markup:
    # The markup is pygal's tree, made inert above; every label in it was escaped by the serialiser.
    return Markup(clean_svg(chart.render_tree()))


def _config(title: str) -> dict[str, Any]:
    return {"js": [], "title": title, "style": STYLE, "width": 760, "height": 320, "explicit_size": True,
            "disable_xml_declaration": True, "print_values": False, "legend_at_bottom": True,
            "no_data_text": "nothing to show"}


def charts(report: dict[str, Any]) -> dict[str, Markup]:
    months = report["sessions_by_month"]
    sessions = pygal.Bar(**_config("Sessions held and expected, by the month each period ends"))
    sessions.x_labels = [m["month"] for m in months]
    sessions.add("held", [m["held"] for m in months])
    sessions.add("expected", [m["expected"] for m in months])
    groups = [("All programs", report["totals"])] + [(p["name"], p) for p in report["programs"]]
    adherence = pygal.Bar(**_config("Pairs by cadence adherence (sessions held against expected)"))
    adherence.x_labels = [row["label"] for row in report["totals"]["adherence"]]
    for name, group in groups:
        adherence.add(name, [row["pairs"] for row in group["adherence"]])
    progress = pygal.StackedBar(**_config("Objectives by their latest shared progress rating"))
    progress.x_labels = [name for name, _ in groups]
    for index, row in enumerate(report["totals"]["progress"]):
        progress.add(row["label"], [group["progress"][index]["objectives"] for _, group in groups])
    return {"sessions": _chart(sessions), "adherence": _chart(adherence), "progress": _chart(progress)}


_env: Environment | None = None


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=PackageLoader("pairjournal.program", "templates"), autoescape=True,
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        _env.filters["shown"] = shown
    return _env


def render_html(report: dict[str, Any]) -> bytes:
    template = environment().get_template("report.html.j2")
    page = template.render(report=report, tables=_groups(report), charts=charts(report),
                           metrics=METRIC_LABELS, consent=_consent)
    # The page goes to standard output by default: control characters become character references, so a
    # terminal shown it raw obeys none of them (a browser shows the same text).
    page = _HTML_CONTROLS.sub(lambda m: f"&#x{ord(m.group()):x};", page)
    return (page.rstrip("\n") + "\n").encode("utf-8")


_HTML_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render(report: dict[str, Any], fmt: str) -> bytes:
    if fmt == "json":
        return render_json(report)
    if fmt == "md":
        return render_markdown(report)
    return render_html(report)


__all__ = ["FORMATS", "clean_svg", "render", "render_html", "render_json", "render_markdown", "shown"]
