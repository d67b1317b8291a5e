"""Writing a screening: the file interface other tools rely on, triage tables and GraphML.

Files in the output directory:

* `ads.csv` (and `ads.parquet`): one row per ad, at least `id, template, network, risk,
  reasons`; `template` and `network` are empty for an ad in no cluster.
* `phones.csv`: one row per phone number found in an ad: `id, phone, obfuscated` (E.164).
* `contacts.csv`: e-mails and handles per ad.
* `networks.csv`, `triage.parquet`, `triage.json`: the triage list of networks, highest risk
  first, with features and reasons.
* `templates.csv`: each template with its slots marked, and whether it links its ads into a
  network (`links`: only a specific template does, see `_networks`).
* `networks.graphml`: ads in networks and the phones, e-mails, handles and linking templates
  joining them.
"""

from __future__ import annotations

import csv
import heapq
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa
import pyarrow.parquet as pq

from haven.screening._pipeline import Screening

__all__ = ["write_outputs"]

AD_COLUMNS = ["id", "template", "network", "risk", "reasons", "site", "url", "posted_at", "city",
              "country", "price_eur", "phones", "obfuscated_contact"]


def _iso(ts: float | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


_BATCH = 100_000
_TYPES = {"risk": pa.float64(), "price_eur": pa.float64(), "obfuscated_contact": pa.bool_()}


def _write_ads(s: Screening, csv_path: Path, parquet_path: Path) -> None:
    """ads.csv and ads.parquet in batches, so a million ads never sit in memory as rows."""
    # phones one string per ad with any, the rest sharing "": no list per ad
    phones = [""] * len(s.ads)
    for row, group in groupby(s.phones, key=itemgetter(0)):  # s.phones is in row order
        phones[row] = ";".join(e164 for _, e164, _ in group)
    hidden = {row for row, _e, obf in s.phones if obf}
    hidden.update(row for row, _e, obf in s.emails if obf)
    ads = s.ads
    schema = pa.schema([(c, _TYPES.get(c, pa.string())) for c in AD_COLUMNS])
    with csv_path.open("w", encoding="utf-8", newline="") as out, \
            pq.ParquetWriter(parquet_path, schema) as parquet:
        writer = csv.writer(out)
        writer.writerow(AD_COLUMNS)
        for lo in range(0, max(len(ads), 1), _BATCH):
            rows = range(lo, min(len(ads), lo + _BATCH))
            cols: dict[str, list[object]] = {
                "id": [ads.id[r] for r in rows], "template": [s.template[r] for r in rows],
                "network": [s.network[r] for r in rows], "risk": [s.risk[r] for r in rows],
                "reasons": [s.reasons(r) for r in rows], "site": [ads.site[r] for r in rows],
                "url": [ads.url[r] for r in rows],
                "posted_at": [_iso(ads.posted_at[r]) for r in rows],
                "city": [ads.city[r] for r in rows],
                "country": [ads.country[r] or "" for r in rows],
                "price_eur": [s.price_eur[r] for r in rows],
                "phones": list[object](phones[lo:lo + len(rows)]),
                "obfuscated_contact": [r in hidden for r in rows],
            }
            writer.writerows(zip(*(["" if v is None else v for v in cols[c]] for c in AD_COLUMNS),
                                 strict=True))
            parquet.write_table(pa.table({c: pa.array(cols[c], type=schema.field(c).type)
                                          for c in AD_COLUMNS}, schema=schema))


def _network_rows(s: Screening) -> list[dict[str, object]]:
    rows = []
    for net in sorted(s.networks.values(), key=lambda n: (-n.risk, n.label)):
        f = net.features
        rows.append({
            "network": net.label, "risk": net.risk, "n_ads": f.n_ads, "n_phones": f.n_phones,
            "n_cities": f.n_cities, "n_countries": f.n_countries, "n_templates": f.n_templates,
            "max_names_per_phone": f.max_names_per_phone, "ads_per_day": f.ads_per_day,
            "price_vs_city_median": f.price_vs_city_median,
            "foreign_phone_share": f.foreign_phone_share, "obscured_share": f.obscured_share,
            "first_posted": _iso(f.first_posted), "last_posted": _iso(f.last_posted),
            "reasons": "; ".join(sig.reason() for sig in net.signals),
            "ads": ";".join(s.ads.id[r] for r in net.rows),
        })
    return rows


def _write_csv(
    path: Path, header: list[str], rows: Iterator[list[object]] | list[list[object]]
) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def _graphml(s: Screening, path: Path) -> None:
    """Stream GraphML by hand: networkx would hold a million-node graph in memory twice."""
    keys = (("kind", "node", "string"), ("network", "node", "string"),
            ("template", "node", "string"), ("risk", "node", "double"),
            ("city", "node", "string"), ("via", "edge", "string"))
    in_net = {r for n in s.networks.values() for r in n.rows}
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for name, target, kind in keys:
            out.write(f'  <key id="{name}" for="{target}" attr.name="{name}" '
                      f'attr.type="{kind}"/>\n')
        out.write('  <graph id="networks" edgedefault="undirected">\n')
        for r in sorted(in_net):
            out.write(
                f"    <node id={quoteattr('ad:' + s.ads.id[r])}><data key=\"kind\">ad</data>"
                f"<data key=\"network\">{s.network[r]}</data>"
                f"<data key=\"template\">{s.template[r]}</data>"
                f"<data key=\"risk\">{s.risk[r]}</data>"
                f"<data key=\"city\">{escape(s.ads.city[r])}</data></node>\n"
            )
        def contacts() -> Iterator[tuple[int, str, str]]:
            # read twice (nodes, then edges) instead of holding a million edges
            yield from ((r, "phone", p) for r, p, _ in s.phones if r in in_net)
            yield from ((r, "email", e) for r, e, _ in s.emails if r in in_net)
            yield from ((r, "handle", h) for r, h in s.handles if r in in_net)
            yield from ((r, "template", t.label) for t in s.templates.values() if t.links
                        for r in t.rows if r in in_net)

        written: set[str] = set()
        for r, kind, value in contacts():
            node = f"{kind}:{value}"
            if node not in written:
                written.add(node)
                out.write(f"    <node id={quoteattr(node)}><data key=\"kind\">{kind}</data>"
                          f"<data key=\"network\">{s.network[r]}</data></node>\n")
        del written
        for k, (r, kind, value) in enumerate(contacts()):
            out.write(f"    <edge id=\"e{k}\" source={quoteattr('ad:' + s.ads.id[r])} "
                      f"target={quoteattr(f'{kind}:{value}')}>"
                      f"<data key=\"via\">{kind}</data></edge>\n")
        out.write("  </graph>\n</graphml>\n")


def write_outputs(s: Screening, out_dir: Path) -> dict[str, Path]:
    """Write every output file of a screening into `out_dir`; returns them by name."""
    from haven.screening._report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in (
        "ads.csv", "ads.parquet", "phones.csv", "contacts.csv", "networks.csv", "templates.csv",
        "triage.parquet", "triage.json", "networks.graphml", "report.html")}
    _write_ads(s, paths["ads.csv"], paths["ads.parquet"])
    _write_csv(paths["phones.csv"], ["id", "phone", "obfuscated"],
               ([s.ads.id[r], p, obf] for r, p, obf in s.phones))
    _write_csv(paths["contacts.csv"], ["id", "kind", "value", "obfuscated"],
               [[s.ads.id[r], "email", e, obf] for r, e, obf in s.emails]
               + [[s.ads.id[r], h.split(":", 1)[0], h.split(":", 1)[1], False]
                  for r, h in s.handles])
    nets = _network_rows(s)
    header = list(nets[0]) if nets else ["network", "risk", "reasons", "ads"]
    _write_csv(paths["networks.csv"], header, [list(n.values()) for n in nets])
    empty = pa.table({"network": pa.array([], pa.string())})
    pq.write_table(pa.Table.from_pylist(nets) if nets else empty, paths["triage.parquet"])
    # the same as sorting every ad and keeping 1,000, without a million sort keys
    top_ads = heapq.nsmallest(1000, range(len(s.ads)), key=lambda r: (-s.risk[r], s.ads.id[r]))
    paths["triage.json"].write_text(json.dumps({
        "note": "A triage list for analysts, never a verdict.",
        "counts": s.counts,
        "networks": nets,
        "ads": [{"id": s.ads.id[r], "risk": s.risk[r], "network": s.network[r],
                 "template": s.template[r], "reasons": s.reasons(r)} for r in top_ads],
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    _write_csv(paths["templates.csv"],
               ["template", "n_ads", "slots", "bits_saved", "links", "text"],
               [[t.label, len(t.rows), ";".join(t.slots), t.bits_saved, t.links, t.text]
                for t in s.templates.values()])
    _graphml(s, paths["networks.graphml"])
    write_report(s, paths["report.html"])
    return paths
