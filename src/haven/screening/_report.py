"""The HTML report: one self-contained file (inline CSS, no script, no external asset).

It opens with the indicators and their sources, then the networks in triage order with
their reasons, features, templates (slots marked) and a few of their ads, then the largest
templates. It must open on an air-gapped analyst laptop, so nothing is fetched.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from haven.screening._pipeline import NetworkResult, Screening
from haven.screening._risk import INDICATORS

__all__ = ["write_report"]

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1d1d1f;
padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}h3{margin:1.4rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{border:1px solid #ddd;padding:.25rem .45rem;
text-align:left;vertical-align:top}th{background:#f4f4f6}.num{text-align:right}
.slot{background:#ffe08a;border-radius:3px;padding:0 .2rem;font-weight:600}
.tpl{font-family:ui-monospace,monospace;background:#f7f7f9;padding:.5rem;white-space:pre-wrap}
.ad{font-size:13px;color:#333;border-left:3px solid #ccd;padding-left:.5rem;margin:.3rem 0;
white-space:pre-wrap}.risk{font-weight:700}.note{background:#eef5ff;padding:.6rem;border-radius:4px}
.bar{display:inline-block;height:.7rem;background:#c0392b;vertical-align:middle}
"""
_SLOT = re.compile(r"\[(phone|number|name|city|e-mail|handle|text)\]")
_TOP_NETWORKS = 50
_TOP_TEMPLATES = 30


def _template_html(text: str) -> str:
    return _SLOT.sub(lambda m: f'<span class="slot">{m.group(1)}</span>', escape(text))


def _network_html(s: Screening, net: NetworkResult, max_risk: float) -> str:
    f = net.features
    width = int(200 * net.risk / max_risk) if max_risk else 0
    reasons = "".join(f"<li>{escape(sig.reason())}</li>" for sig in net.signals) or "<li>none</li>"
    own = Counter(sig.indicator for r in net.rows for sig in s.signals[r]
                  if sig.indicator not in {n.indicator for n in net.signals})
    ad_level = ", ".join(f"{escape(k)} in {v} ad(s)" for k, v in sorted(own.items())) or "none"
    cities = sorted({s.ads.city[r] for r in net.rows if s.ads.city[r]})
    templates = sorted({s.template[r] for r in net.rows if s.template[r]})
    tpl_html = "".join(
        f'<p>{t} ({len(s.templates[t].rows)} ads)</p><div class="tpl">'
        f"{_template_html(s.templates[t].text)}</div>" for t in templates[:3]
    )
    ads = "".join(
        f'<div class="ad"><b>{escape(s.ads.id[r])}</b> · {escape(s.ads.city[r])} · risk '
        f"{s.risk[r]}\n{escape(s.ads.text[r][:400])}</div>" for r in net.rows[:3]
    )
    price = "–" if f.price_vs_city_median is None else f"{f.price_vs_city_median:.0%}"
    return (
        f'<h3 id="{net.label}">{net.label} <span class="risk">risk {net.risk}</span> '
        f'<span class="bar" style="width:{width}px"></span></h3>'
        f"<table><tr><th>ads</th><th>phones</th><th>cities</th><th>countries</th>"
        f"<th>templates</th><th>names/phone</th><th>ads/day</th><th>price vs city</th>"
        f"<th>hidden contact</th></tr><tr><td class=num>{f.n_ads}</td>"
        f"<td class=num>{f.n_phones}</td><td class=num>{f.n_cities}</td>"
        f"<td class=num>{f.n_countries}</td><td class=num>{f.n_templates}</td>"
        f"<td class=num>{f.max_names_per_phone}</td><td class=num>{f.ads_per_day}</td>"
        f"<td class=num>{price}</td><td class=num>{f.obscured_share:.0%}</td></tr></table>"
        f"<p>Cities: {escape(', '.join(cities))}</p>"
        f"<p>Network signals:</p><ul>{reasons}</ul><p>Ad signals: {ad_level}</p>{tpl_html}{ads}"
    )


def write_report(s: Screening, path: Path) -> None:
    """Write the self-contained HTML report of a screening to `path`."""
    nets = sorted(s.networks.values(), key=lambda n: (-n.risk, n.label))[:_TOP_NETWORKS]
    max_risk = max((n.risk for n in nets), default=0.0)
    legend = "".join(
        f"<tr><td>{i.name}</td><td class=num>{i.weight}</td><td>{escape(i.meaning)}</td>"
        f"<td>{escape(i.source)}</td></tr>" for i in INDICATORS.values()
    )
    index = "".join(
        f'<tr><td><a href="#{n.label}">{n.label}</a></td><td class=num>{n.risk}</td>'
        f"<td class=num>{n.features.n_ads}</td><td class=num>{n.features.n_cities}</td>"
        f"<td>{escape('; '.join(sig.indicator for sig in n.signals))}</td></tr>" for n in nets
    )
    templates = sorted(s.templates.values(), key=lambda t: (-len(t.rows), t.label))[:_TOP_TEMPLATES]
    tpl = "".join(
        f"<h3>{t.label} · {len(t.rows)} ads · slots: {escape(', '.join(t.slots) or 'none')}</h3>"
        f'<div class="tpl">{_template_html(t.text)}</div>' for t in templates
    )
    c = s.counts
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>Haven ad screening</title><style>{_CSS}</style></head><body>"
        f"<h1>Ad screening report</h1><p>Generated {stamp}. {c.get('ads', 0)} ads, "
        f"{c.get('templates', 0)} templates, {c.get('networks', 0)} networks.</p>"
        '<p class="note">A triage list for analysts, never a verdict: a high score says which '
        "group to read first, not that anyone is exploited.</p>"
        "<h2>Indicators</h2><table><tr><th>indicator</th><th>weight</th><th>meaning</th>"
        f"<th>source</th></tr>{legend}</table>"
        f"<h2>Networks, highest risk first</h2><table><tr><th>network</th><th>risk</th>"
        f"<th>ads</th><th>cities</th><th>network signals</th></tr>{index}</table>"
        + "".join(_network_html(s, n, max_risk) for n in nets)
        + f"<h2>Largest templates</h2>{tpl}</body></html>"
    )
    path.write_text(html, encoding="utf-8")
