// room_kiosks.mjs -- simulated kiosks for the room page's test: each signs its state with its own
// Ed25519 key (enrolled and approved beforehand), sends it to the core every second, checks the
// commands riding on the answers against the core's key, acknowledges them and acts them out.
// Each kiosk speaks from a loopback address of its own, as the PCs of a lab do.
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { request } from 'node:http';

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

// What each kind of command does to the simulated seat's state, as the kiosk would do it:
// the clock's commands touch a running attempt only, and a pause or lock goes back where it was.
const RUNNING = ['exam', 'review', 'confirm'];
const HELD = RUNNING.concat(['paused', 'seat-locked', 'authorise', 'instructions']);  // screens with time left
const hold = (s, screen) => {
  if (RUNNING.includes(s.screen)) { s.before = s.screen; s.screen = screen; }
};
const ACT = {
  pause: (s) => hold(s, 'paused'),
  resume: (s) => { if (s.screen === 'paused') s.screen = s.before; },
  lock: (s) => hold(s, 'seat-locked'),
  unlock: (s) => { if (s.screen === 'seat-locked') s.screen = s.before; },
  authorise: (s) => { if (s.screen === 'authorise') s.screen = 'exam'; },
  extend: (s, c) => { if (s.attempt) s.left += c.minutes * 60000; },
  release: (s) => { s.screen = 'released'; },
  'move-out': (s) => { s.screen = 'moved'; },
  end: (s) => { if (s.nip) s.screen = 'ended'; },
  message: () => {}
};

// POST of body to url from the local address `from`: {status, json}, or null when unreachable.
function post(url, body, from, headers) {
  return new Promise((resolve) => {
    const rq = request(url, { method: 'POST', localAddress: from, headers: Object.assign({ 'Content-Length': Buffer.byteLength(body) }, headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = {};
        try { json = JSON.parse(text); } catch (e) { json = {}; }
        resolve({ status: res.statusCode, json });
      });
    });
    rq.setTimeout(20000, () => rq.destroy());
    rq.on('error', () => resolve(null));
    rq.end(body);
  });
}

export class Kiosk {
  // keyFile: PEM private key; st: the state's fields (seat, screen, nip, name, session, ...);
  // from: the local address its requests come from.
  constructor(url, keyFile, st, from) {
    this.url = url;
    this.from = from;
    this.key = createPrivateKey(readFileSync(keyFile));
    this.pub = createPublicKey(this.key).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    this.st = Object.assign({ screen: 'identify', nip: '', name: '', attempt: 0, answered: 0, flagged: 0, total: 0,
      incidents: 0, outbox: 0, delivery: 'delivering', program: 'room-test', lease: '', jseq: 0, session: '' }, st);
    this.st.left = (st.left_min || 0) * 60000;
    this.st.tick = Date.now();
    delete this.st.left_min;
    this.seq = 0;
    this.ack = 0;
    this.commands = [];   // every command obeyed, as received
    this.problems = [];   // refused states, bad signatures
    this.silent = false;  // true: sends nothing (a dead PC)
  }

  body() {
    const s = this.st, now = Date.now();
    if (RUNNING.includes(s.screen)) s.left = Math.max(0, s.left - (now - s.tick));
    s.tick = now;  // on any other screen the clock stands still
    this.seq = Math.max(this.seq + 1, Date.now());
    return JSON.stringify({ version: 2, seq: this.seq, ack: this.ack, seat: s.seat, screen: s.screen, nip: s.nip,
      name: s.name, session: s.session, lease: s.lease, jseq: s.jseq, attempt: s.attempt, answered: s.answered,
      flagged: s.flagged, total: s.total, left_ms: HELD.includes(s.screen) ? s.left : 0, incidents: s.incidents, outbox: s.outbox,
      delivery: s.delivery, program: s.program });
  }

  // One state sent; the commands of the answer checked, acted out and acknowledged in the next.
  async send(coreKey) {
    if (this.silent) return;
    const body = this.body();
    const sig = sign(null, Buffer.from(body), this.key).toString('hex');
    const r = await post(`${this.url}/v1/room/state`, body, this.from,
      { 'Content-Type': 'application/json', 'Kisi-Kiosk': this.pub, 'Kisi-Signature': sig });
    if (!r) return;  // the core cannot be reached: the next round tries again
    const j = r.json;
    if (r.status !== 200) { this.problems.push(`state of ${this.st.seat}: ${r.status} ${j.error} ${j.reason}`); return; }
    for (const c of j.commands || []) {
      if (c.seq <= this.ack) continue;
      const text = `kisi-command\nversion=${c.version}\nkiosk=${c.kiosk}\nseq=${c.seq}\nkind=${c.kind}\ntime=${c.time}\n` +
        `nip=${c.nip}\nminutes=${c.minutes}\nseat=${c.seat}\ntext=${c.text}\n`;
      const pub = createPublicKey({ key: Buffer.concat([SPKI_ED25519, Buffer.from(coreKey, 'hex')]), format: 'der', type: 'spki' });
      if (c.kiosk !== this.pub || !verify(null, Buffer.from(text), pub, Buffer.from(c.sig || '', 'hex'))) {
        this.problems.push(`command ${c.seq} (${c.kind}) to ${this.st.seat}: not signed by the core's key for this kiosk`);
        continue;
      }
      this.commands.push(c);
      if (ACT[c.kind]) ACT[c.kind](this.st, c);
      this.ack = c.seq;
    }
  }
}

// The room: kiosks sending every second until stop().
export class Room {
  constructor(url, coreKey) {
    this.url = url;
    this.coreKey = coreKey;
    this.kiosks = [];
    this.timer = null;
  }

  add(keyFile, st, from) {
    const k = new Kiosk(this.url, keyFile, st, from);
    this.kiosks.push(k);
    return k;
  }

  seat(label) { return this.kiosks.find((k) => k.st.seat === label); }

  async round() { await Promise.all(this.kiosks.map((k) => k.send(this.coreKey))); }

  start() {
    const loop = async () => {
      await this.round();
      if (this.timer !== null) this.timer = setTimeout(loop, 1000);
    };
    this.timer = setTimeout(loop, 0);
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }
}
