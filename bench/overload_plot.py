"""Draws docs/overload.png from the series bench/overload.ts writes: RSS against the
ceiling, p50/p99 latency, and the shed rate, one panel each, on a shared time axis."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

data = json.load(open(sys.argv[1]))
s = data["series"]
t = [p["t"] for p in s]

fig, (rss, lat, shed) = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
rss.plot(t, [p["rssMiB"] for p in s], label="RSS (max per second)")
rss.axhline(data["ceilingMiB"], color="red", linestyle="--", label="ceiling")
rss.set_ylabel("MiB")
rss.set_ylim(0, data["ceilingMiB"] * 1.1)
rss.legend(loc="lower right")

lat.plot(t, [p["p50"] for p in s], label="p50")
lat.plot(t, [p["p99"] for p in s], label="p99")
lat.set_ylabel("latency ms (by send time)")
lat.set_yscale("symlog", linthresh=10)
lat.legend(loc="upper right")

shed.bar(t, [p["shedPct"] for p in s], width=0.9, color="tab:orange")
shed.set_ylabel("% shed (503 + Retry-After)")
shed.set_ylim(0, 100)
shed.set_xlabel("seconds")

at = 0
for phase in data["phases"]:
    for ax in (rss, lat, shed):
        ax.axvline(at, color="grey", linewidth=0.5)
    rss.text(at + 0.5, data["ceilingMiB"] * 1.02, f'{phase["name"]} ({phase["rate"]} req/s)',
             fontsize=8)
    at += phase["seconds"]

fig.suptitle("ligero under 10x overload: mixed uploads, search, chat, embeddings")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=100)
