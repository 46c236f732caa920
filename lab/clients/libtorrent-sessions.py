# swarmsim lab: several libtorrent sessions in one process, each on its own address, every
# outside lookup off (DHT, LSD, UPnP, NAT-PMP), every alert logged with a wall-clock timestamp.
# Usage: /usr/bin/python3 libtorrent-sessions.py CONFIG.json   (written by lab/clients/libtorrent.ts)
# Log line: "<unix seconds> <alert type> <message>", one file per session.
import json
import signal
import sys
import time

import libtorrent as lt

config = json.load(open(sys.argv[1]))
stop = False


def on_signal(_sig, _frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)

sessions = []
for s in config["sessions"]:
    pack = dict(s["settings"])
    pack["alert_mask"] = lt.alert_category.all
    ses = lt.session(pack)
    log = open(s["log"], "a", buffering=1)
    sessions.append({"cfg": s, "ses": ses, "log": log, "start": time.time() + s["start_after"], "handle": None})


def add_torrent(entry):
    s = entry["cfg"]
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(s["torrent"])
    atp.save_path = s["save_path"]
    entry["handle"] = entry["ses"].add_torrent(atp)
    entry["log"].write("%.6f lab_torrent_added %s\n" % (time.time(), s["id"]))


while not stop:
    now = time.time()
    for e in sessions:
        if e["handle"] is None and now >= e["start"]:
            add_torrent(e)
        for a in e["ses"].pop_alerts():
            e["log"].write("%.6f %s %s\n" % (time.time(), type(a).__name__, a.message().replace("\n", " ")))
    time.sleep(0.05)

for e in sessions:
    e["log"].write("%.6f lab_stopping %s\n" % (time.time(), e["cfg"]["id"]))
    e["log"].close()
