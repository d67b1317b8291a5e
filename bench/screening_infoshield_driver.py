"""Driver run under InfoShield's own interpreter (not Haven's): coarse, then fine per cluster.

Usage: python screening_infoshield_driver.py CHECKOUT ADS.csv RESULT.json

It imports InfoShield's modules from CHECKOUT and calls them as `infoshield.py` does, with
one difference: InfoShield-Fine is called per coarse cluster (as its own joblib loop does)
inside a try block, because on some clusters it raises (a KeyError in `slot_identify`) and
would otherwise lose the whole run. Failed clusters are counted and their ads left
unlabelled, which is what an analyst running it would get from the clusters that work.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    checkout, data, result = sys.argv[1:4]
    sys.path.insert(0, checkout)
    from infoshieldcoarse import InfoShieldCoarse  # type: ignore[import-not-found]
    from infoshieldfine import func  # type: ignore[import-not-found]
    from utils import read_data  # type: ignore[import-not-found]

    start = time.perf_counter()
    coarse = InfoShieldCoarse(data, "id", "text")
    coarse.clustering()
    coarse_seconds = time.perf_counter() - start
    # InfoShield-Coarse may key its graph on the text column (it adds the text header to its
    # id candidates), so read the labels back from its table, row by row
    coarse_labels = {
        str(ad_id): int(label)
        for ad_id, label in zip(coarse.data["id"], coarse.data["LSH label"], strict=True)
        if label != -1
    }
    clusters, gvc = read_data(coarse.final_data_filename, "id", "text")
    labels: dict[str, str] = {}
    failed: list[dict[str, object]] = []
    for key, docs in clusters.items():
        try:
            _, _, templates = func(key, docs, gvc)
        except Exception as exc:
            failed.append({"cluster": int(key), "ads": len(docs), "error": type(exc).__name__})
            continue
        for number, ids in templates.items():
            for ad_id in ids:
                labels[str(ad_id)] = f"{key}/{number}"
    seconds = time.perf_counter() - start
    with open(result, "w", encoding="utf-8") as out:
        json.dump({"labels": labels, "coarse_labels": coarse_labels, "failed": failed,
                   "seconds": seconds, "coarse_seconds": coarse_seconds,
                   "clusters": len(clusters)}, out)


if __name__ == "__main__":
    main()
