# room_mitm.py -- a machine on the LAN between one kiosk and the core, for room_live.sh:
# passes every request on, and into the next answer to a room state adds the commands of
# DIR/inject (a JSON array, taken once, then removed), as an attacker in the room would.
# Every command the core sent is appended to DIR/seen.jsonl; DIR/states counts the states
# passed on. Usage: python3 room_mitm.py UPSTREAM_URL DIR  (prints "mitm listening on PORT")
import http.client
import http.server
import json
import os
import sys
import threading
import urllib.parse

UP = urllib.parse.urlsplit(sys.argv[1])
DIR = sys.argv[2]
LOCK = threading.Lock()
STATES = [0]


class Mitm(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        heads = {k: v for k, v in self.headers.items()
                 if k.lower() not in ("host", "connection", "content-length", "expect")}
        try:
            c = http.client.HTTPConnection(UP.hostname, UP.port, timeout=15)
            c.request(self.command, self.path, body=body, headers=heads)
            r = c.getresponse()
            status, ctype, out = r.status, r.getheader("Content-Type", "application/json"), r.read()
            c.close()
        except OSError:
            status, ctype, out = 502, "application/json", b'{"error":"no-core"}'
        if self.path == "/v1/room/state" and status == 200:
            out = self.tamper(out)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def tamper(self, out):
        j = json.loads(out)
        with LOCK:
            with open(os.path.join(DIR, "seen.jsonl"), "a") as f:
                for c in j["commands"]:
                    f.write(json.dumps(c, sort_keys=True) + "\n")
            path = os.path.join(DIR, "inject")
            if os.path.exists(path):
                with open(path) as f:
                    j["commands"] += json.load(f)
                os.unlink(path)
            STATES[0] += 1
            with open(os.path.join(DIR, "states.tmp"), "w") as f:
                f.write("%d\n" % STATES[0])
            os.replace(os.path.join(DIR, "states.tmp"), os.path.join(DIR, "states"))
        return json.dumps(j, separators=(",", ":")).encode()

    do_GET = relay
    do_POST = relay


s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mitm)
s.daemon_threads = True
print("mitm listening on %d" % s.server_address[1], flush=True)
s.serve_forever()
