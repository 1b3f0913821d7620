#!/usr/bin/env python3
"""Generate the labelled redaction corpus (cases.jsonl) for discreet's redact engine.

Deterministic: fixed seed. Every generated card is Luhn-checked and brand/length
checked, every IBAN is mod-97 checked, every SSN is checked against the spec rules.
All tokens/keys are random filler of the right *shape*; none are real.

Run:  python3 gen.py   (writes cases.jsonl next to this file)
"""
import base64
import json
import os
import random
import re
import string
from collections import Counter

R = random.Random(20261126)
P = "¤"  # placeholder in templates
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.jsonl")

cases = []


def add(cat, inp, want, note=""):
    o = {"cat": cat, "in": inp, "want": want}
    if note:
        o["note"] = note
    cases.append(o)


def pos(cat, tmpl, value, marker, note=""):
    assert tmpl.count(P) == 1, tmpl
    add(cat, tmpl.replace(P, value), tmpl.replace(P, marker), note)


def keep(what, inp, note=""):
    add("keep-" + what, inp, inp, note)


def rstr(n, alphabet=string.ascii_letters + string.digits, need_digit=False, need_letter=False):
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if need_digit and not any(c.isdigit() for c in s):
            continue
        if need_letter and not any(c.isalpha() for c in s):
            continue
        # never let random filler start like a JWT or contain other vendor prefixes
        if re.search(r"eyJ|AKIA|ASIA|AIza|ghp_|xox|sk-|SG\.", s):
            continue
        return s


HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits

# ---------------------------------------------------------------------------
# Cards
# ---------------------------------------------------------------------------

def luhn_ok(d):
    s = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        s += n
    return s % 10 == 0


def luhn_complete(prefix, length):
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for c in string.digits:
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def brand(d):
    """Return the brand names whose prefix+length rule fits d (spec list)."""
    n = len(d)
    p2, p3, p4 = int(d[:2]), int(d[:3]), int(d[:4])
    b = []
    if d[0] == "4" and n in (13, 16, 19):
        b.append("visa")
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        b.append("mastercard")
    if p2 in (34, 37) and n == 15:
        b.append("amex")
    if (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65) and 16 <= n <= 19:
        b.append("discover")
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        b.append("jcb")
    if (300 <= p3 <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        b.append("diners")
    if p2 == 62 and 16 <= n <= 19:
        b.append("unionpay")
    if (p2 == 50 or 56 <= p2 <= 69) and 13 <= n <= 19:
        b.append("maestro")
    if 2200 <= p4 <= 2204 and 16 <= n <= 19:
        b.append("mir")
    return b


def card_like(d):
    return 13 <= len(d) <= 19 and luhn_ok(d) and bool(brand(d))


def group(d, sep):
    n = len(d)
    if n == 15:
        parts = [d[:4], d[4:10], d[10:]]          # Amex 4-6-5
    elif n == 14:
        parts = [d[:4], d[4:10], d[10:]]          # Diners 4-6-4
    else:
        parts = [d[i:i + 4] for i in range(0, n, 4)]  # 4s + last short group
    return sep.join(parts)


CARD_SPECS = [
    # (label, prefix, length)
    ("Visa 13", "4", 13), ("Visa 16", "4", 16), ("Visa 19", "4", 19),
    ("Mastercard 51", "51", 16), ("Mastercard 52", "52", 16), ("Mastercard 53", "53", 16),
    ("Mastercard 54", "54", 16), ("Mastercard 55", "55", 16),
    ("Mastercard 2221", "2221", 16), ("Mastercard 2500", "25", 16), ("Mastercard 2720", "2720", 16),
    ("Amex 34", "34", 15), ("Amex 37", "37", 15),
    ("Discover 6011", "6011", 16), ("Discover 6011/19", "6011", 19),
    ("Discover 644", "644", 16), ("Discover 645", "645", 16), ("Discover 646", "646", 16),
    ("Discover 647", "647", 16), ("Discover 648", "648", 16), ("Discover 649", "649", 16),
    ("Discover 65", "65", 16), ("Discover 65/17", "65", 17), ("Discover 65/18", "65", 18),
    ("Discover 65/19", "65", 19),
    ("JCB 3528", "3528", 16), ("JCB 3550", "3550", 16), ("JCB 3589", "3589", 16), ("JCB 3530/19", "3530", 19),
    ("Diners 300", "300", 14), ("Diners 301", "301", 14), ("Diners 302", "302", 14),
    ("Diners 303", "303", 14), ("Diners 304", "304", 14), ("Diners 305", "305", 14),
    ("Diners 36", "36", 14), ("Diners 38", "38", 14), ("Diners 39", "39", 14), ("Diners 36/16", "36", 16),
    ("UnionPay 62", "62", 16), ("UnionPay 62/17", "62", 17), ("UnionPay 62/19", "62", 19),
    ("Maestro 50", "50", 16), ("Maestro 56", "56", 16), ("Maestro 57/13", "57", 13),
    ("Maestro 58/15", "58", 15), ("Maestro 63", "63", 16), ("Maestro 67/19", "67", 19),
    ("Mir 2200", "2200", 16), ("Mir 2201", "2201", 16), ("Mir 2202", "2202", 16),
    ("Mir 2203", "2203", 16), ("Mir 2204", "2204", 16), ("Mir 2204/19", "2204", 19),
]

CARD_TPL = [
    "Zahlung mit Karte ¤ abgelehnt",
    "charge failed for card ¤ (insufficient funds)",
    "paiement refusé pour la carte ¤ aujourd'hui",
    "pago rechazado con la tarjeta ¤ hoy",
    "カード ¤ の決済に失敗しました",
    "银行卡 ¤ 支付失败",
    "оплата картой ¤ отклонена",
    "تم رفض البطاقة ¤ اليوم",
    "कार्ड ¤ से भुगतान विफल",
    "mc ¤ ok",
    "retrying charge on ¤, attempt 2",
    "customer paid with ¤.",
    "{\"pan\":\"¤\",\"exp\":\"12/29\"}",
    "card (¤) declined",
    "¤",
    "refund to ¤ queued",
]

seen_cards = set()
ti = 0
for label, prefix, length in CARD_SPECS:
    d = luhn_complete(prefix, length)
    assert luhn_ok(d) and brand(d), (label, d)
    assert d not in seen_cards
    seen_cards.add(d)
    forms = ["contig"]
    if length in (14, 15, 16, 19):
        forms = ["contig", "space", "dash"]
    for f in forms:
        v = d if f == "contig" else group(d, " " if f == "space" else "-")
        tmpl = CARD_TPL[ti % len(CARD_TPL)]
        ti += 1
        pos("card", tmpl, v, "[card]", f"{label}, {f}")

# well-known public test PANs, for readability
for v, tmpl in [("4111 1111 1111 1111", "Zahlung mit Karte ¤ abgelehnt"),
                ("5555-5555-5555-4444", "mc ¤ ok"),
                ("378282246310005", "amex ¤ charged"),
                ("3782 822463 10005", "amex ¤ charged")]:
    assert card_like(v.replace(" ", "").replace("-", ""))
    pos("card", tmpl, v, "[card]", "public test PAN")

# ---------------------------------------------------------------------------
# Card near misses (keep)
# ---------------------------------------------------------------------------

def luhn_fail(prefix, length):
    while True:
        d = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix)))
        if not luhn_ok(d):
            return d


for prefix, length in [("4", 16), ("51", 16), ("37", 15), ("6011", 16), ("3528", 16), ("62", 19), ("2200", 16), ("36", 14)]:
    d = luhn_fail(prefix, length)
    keep("number", f"order {d} shipped", "Luhn fails")
    keep("number", f"ref {group(d, ' ')} not found", "Luhn fails, grouped")
keep("number", "Zahlung mit Karte 4111 1111 1111 1112 abgelehnt", "Luhn fails")
# Luhn valid but no issuer prefix / wrong length for the prefix
for prefix, length, why in [("1", 16, "prefix 1: no issuer"), ("7", 16, "prefix 7: no issuer"),
                            ("8", 16, "prefix 8: no issuer"), ("9", 16, "prefix 9: no issuer"),
                            ("0", 16, "prefix 0: no issuer"), ("31", 16, "prefix 31: no issuer"),
                            ("3590", 16, "3590 outside JCB range"), ("2205", 16, "2205: between Mir and MC"),
                            ("2721", 16, "2721: above MC range"), ("4", 15, "Visa prefix, 15 digits"),
                            ("4", 14, "Visa prefix, 14 digits"), ("34", 16, "Amex prefix, 16 digits"),
                            ("51", 15, "MC prefix, 15 digits"), ("55", 19, "MC prefix, 19 digits")]:
    d = luhn_complete(prefix, length)
    assert luhn_ok(d) and not brand(d), (prefix, d)
    keep("number", f"invoice {d} paid", why)
# glued
assert card_like("5105105105105100") and card_like("4111111111111111")
keep("id", "blk_-5105105105105100 replicated to 3 nodes", "HDFS block id, preceded by '_-'")
keep("id", "Deleting block blk_-5105105105105100 file /data/dfs", "HDFS block id")
keep("id", "id4111111111111111 not found", "glued to letters")
keep("id", "job_1514038535000_0042 finished", "Hadoop job id")
keep("id", "container_1514038535000_0042_01_000001 exited", "YARN container id")
keep("id", "x_4111111111111111 expired", "glued to '_'")
keep("number", "offset -4111111111111111 applied", "preceded by '-'")
keep("id", "tx4111111111111111ok", "glued both sides")
keep("number", "ratio 1.4111111111111111", "'.'-digit before")
keep("number", "value 4111111111111111.25 rounded", "'.'-digit after")
keep("number", "card 4111 1111-1111 1111 rejected by parser", "mixed separators")
keep("number", "ref 4111  1111  1111  1111 noted", "double spaces")
# timestamps and ISBNs
for ts, what in [("1514038535", "s"), ("1764151230", "s"), ("1514038535123", "ms"), ("1764151230456", "ms"),
                 ("1514038535123456", "µs"), ("1764151230456789", "µs"),
                 ("1514038535123456789", "ns"), ("1764151230456789012", "ns")]:
    keep("timestamp", f"ts={ts} level=info msg=started", f"unix {what}")
keep("timestamp", "1764151230123456 DEBUG cache warm", "unix µs log prefix")
keep("timestamp", "{\"time\":1764151230123,\"msg\":\"ok\"}", "unix ms in JSON")
for isbn in ["978-0-306-40615-7", "9780306406157", "978-3-16-148410-0", "9783161484100",
             "0-306-40615-2", "0306406152", "979-10-90636-07-1", "9791090636071"]:
    keep("id", f"ISBN {isbn} ausverkauft", "ISBN")

# ---------------------------------------------------------------------------
# IBAN
# ---------------------------------------------------------------------------

def iban_num(s):
    return int("".join(str(int(c, 36)) for c in s))


def iban_valid(iban):
    return iban_num(iban[4:] + iban[:4]) % 97 == 1


def iban_make(cc, bban):
    chk = 98 - iban_num(bban + cc + "00") % 97
    ib = f"{cc}{chk:02d}{bban}"
    assert iban_valid(ib)
    return ib


for known in ["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
              "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957"]:
    assert iban_valid(known), known
    assert iban_make(known[:2], known[4:]) == known

# country: (length, BBAN format: n digit, a upper letter, c upper alnum)
IBAN_FMT = {
    "DE": (22, "18n"), "GB": (22, "4a14n"), "FR": (27, "10n11c2n"), "NL": (18, "4a10n"),
    "ES": (24, "20n"), "IT": (27, "1a10n12c"), "CH": (21, "5n12c"), "AT": (20, "16n"),
    "BE": (16, "12n"), "PL": (28, "24n"), "PT": (25, "21n"), "IE": (22, "4a14n"),
    "SE": (24, "20n"), "NO": (15, "11n"), "DK": (18, "14n"), "FI": (18, "14n"),
    "LU": (20, "3n13c"), "CZ": (24, "20n"), "SK": (24, "20n"), "HU": (28, "24n"),
    "RO": (24, "4a16c"), "GR": (27, "7n16c"), "HR": (21, "17n"), "SI": (19, "15n"),
    "BG": (22, "4a6n8c"), "LT": (20, "16n"), "LV": (21, "4a13c"), "EE": (20, "16n"),
    "MT": (31, "4a5n18c"), "CY": (28, "8n16c"), "SA": (24, "2n18c"), "TR": (26, "5n1n16c"),
    "LI": (21, "5n12c"), "MC": (27, "10n11c2n"),
}


def bban_gen(fmt):
    out = []
    for n, t in re.findall(r"(\d+)([nac])", fmt):
        n = int(n)
        if t == "n":
            out.append("".join(R.choice(string.digits) for _ in range(n)))
        elif t == "a":
            out.append("".join(R.choice(string.ascii_uppercase) for _ in range(n)))
        else:  # mostly digits, sometimes a letter (as real c-fields usually are)
            out.append("".join(R.choice(string.digits * 4 + string.ascii_uppercase) for _ in range(n)))
    return "".join(out)


def group4(s):
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def grouped_card_window(g):
    """True if consecutive all-digit groups of a grouped string could form a card."""
    parts = g.split(" ")
    for i in range(len(parts)):
        acc = ""
        for j in range(i, len(parts)):
            if not parts[j].isdigit():
                break
            acc += parts[j]
            if card_like(acc):
                return True
    return False


IBAN_TPL = [
    "Überweisung auf ¤ erfolgt",
    "payout to ¤ scheduled for Friday",
    "virement vers ¤ effectué",
    "transferencia a ¤ completada",
    "口座 ¤ に送金しました",
    "向账户 ¤ 转账成功",
    "перевод на счёт ¤ выполнен",
    "تم التحويل إلى ¤ بنجاح",
    "खाता ¤ में राशि भेजी गई",
    "refund account ¤, pending review",
    "{\"beneficiary\":\"¤\"}",
    "SEPA mandate for ¤.",
]

ibans = {}
ti = 0
for cc, (length, fmt) in IBAN_FMT.items():
    while True:
        bban = bban_gen(fmt)
        assert len(bban) + 4 == length, (cc, len(bban))
        ib = iban_make(cc, bban)
        if not grouped_card_window(group4(ib)):
            break
    ibans[cc] = ib
    forms = ["contig", "grouped"] if ti % 3 != 2 else ["grouped"]
    for f in forms:
        v = ib if f == "contig" else group4(ib)
        pos("iban", IBAN_TPL[ti % len(IBAN_TPL)], v, "[iban]", f"{cc} {length}, {f}")
        ti += 1
pos("iban", "Überweisung auf ¤ erfolgt", "DE89 3704 0044 0532 0130 00", "[iban]", "DE public example")
pos("iban", "pay ¤ now", "GB82WEST12345698765432", "[iban]", "GB public example")

# IBAN near misses
for cc in ["DE", "GB", "FR", "NL", "ES", "IT"]:
    ib = ibans[cc]
    bad = ib[:2] + f"{(int(ib[2:4]) + 1) % 100:02d}" + ib[4:]
    assert not iban_valid(bad)
    keep("id", f"Überweisung auf {bad} erfolgt", "wrong IBAN check digits")
bad = "DE00370400440532013000"
assert not iban_valid(bad)
keep("id", f"account {group4(bad)} rejected", "wrong check digits, grouped")
# right check digits for the string but wrong length for the country
short = iban_make("DE", "3704004405320130")  # 20 chars, DE needs 22
keep("id", f"ref {short} invalid", "mod-97 OK but DE length 20 != 22")
longer = iban_make("NL", "ABNA04171643001")  # 19, NL needs 18
keep("id", f"ref {longer} invalid", "mod-97 OK but NL length 19 != 18")
keep("id", f"ref{ibans['DE']} attached", "glued to letters")
keep("id", f"{ibans['NL'].lower()} lowercase", "country code must be uppercase")

# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------

def dg(n, first="0123456789"):
    return R.choice(first) + "".join(R.choice(string.digits) for _ in range(n - 1))


PHONE_TPL = [
    "call ¤ now",
    "Rückruf unter ¤ erbeten",
    "appelez le ¤ avant midi",
    "llame al ¤ por favor",
    "電話 ¤ まで",
    "请拨打 ¤ 联系客服",
    "позвоните по номеру ¤ сегодня",
    "اتصل على ¤ الآن",
    "कृपया ¤ पर कॉल करें",
    "SMS sent to ¤",
    "tel: ¤",
    "contact ¤ for access",
    "{\"caller\":\"¤\"}",
    "forwarded ¤, ringing",
]

PHONE_GEN = [
    ("DE mobile", lambda: f"+49 1{dg(2)} {dg(7)}"),
    ("DE Berlin", lambda: f"+49 30 {dg(8, '123456789')}"),
    ("DE contiguous", lambda: f"+491{dg(2, '567')}{dg(8)}"),
    ("UK London", lambda: f"+44 20 {dg(4, '3789')} {dg(4)}"),
    ("UK (0)", lambda: f"+44 (0)20 {dg(4, '3789')} {dg(4)}"),
    ("UK mobile", lambda: f"+44 7{dg(3)} {dg(6)}"),
    ("FR", lambda: f"+33 1 {dg(2)} {dg(2)} {dg(2)} {dg(2)}"),
    ("FR mobile", lambda: f"+33 6 {dg(2)} {dg(2)} {dg(2)} {dg(2)}"),
    ("FR dots", lambda: f"+33.6.{dg(2)}.{dg(2)}.{dg(2)}.{dg(2)}"),
    ("JP Tokyo", lambda: f"+81 3-{dg(4)}-{dg(4)}"),
    ("JP mobile", lambda: f"+81 90-{dg(4)}-{dg(4)}"),
    ("CN Beijing", lambda: f"+86 10 {dg(4, '123456789')} {dg(4)}"),
    ("CN mobile", lambda: f"+86 13{dg(1)} {dg(4)} {dg(4)}"),
    ("IN mobile", lambda: f"+91 9{dg(4)} {dg(5)}"),
    ("IN dash", lambda: f"+91-98{dg(3)}-{dg(5)}"),
    ("RU Moscow", lambda: f"+7 495 {dg(3)}-{dg(2)}-{dg(2)}"),
    ("RU mobile", lambda: f"+7 9{dg(2)} {dg(3)} {dg(2)} {dg(2)}"),
    ("RU bracket", lambda: f"+7 (9{dg(2)}) {dg(3)}-{dg(2)}-{dg(2)}"),
    ("BR São Paulo", lambda: f"+55 11 9{dg(4)}-{dg(4)}"),
    ("BR bracket", lambda: f"+55 (21) 9{dg(4)}-{dg(4)}"),
    ("AU Sydney", lambda: f"+61 2 {dg(4)} {dg(4)}"),
    ("AU mobile", lambda: f"+61 4{dg(2)} {dg(3)} {dg(3)}"),
    ("US intl", lambda: f"+1 {dg(3, '23456789')} {dg(3, '23456789')} {dg(4)}"),
    ("US intl bracket", lambda: f"+1 ({dg(3, '23456789')}) {dg(3, '23456789')}-{dg(4)}"),
    ("US intl dash", lambda: f"+1-{dg(3, '23456789')}-{dg(3, '23456789')}-{dg(4)}"),
    ("ES", lambda: f"+34 6{dg(2)} {dg(2)} {dg(2)} {dg(2)}"),
    ("IT", lambda: f"+39 06 {dg(4)} {dg(4)}"),
    ("NL", lambda: f"+31 20 {dg(3)} {dg(4)}"),
    ("CH", lambda: f"+41 44 {dg(3)} {dg(2)} {dg(2)}"),
    ("AT", lambda: f"+43 1 {dg(7)}"),
    ("SE", lambda: f"+46 8 {dg(3)} {dg(3)} {dg(2)}"),
    ("PL", lambda: f"+48 22 {dg(3)} {dg(2)} {dg(2)}"),
    ("TR", lambda: f"+90 212 {dg(3)} {dg(2)} {dg(2)}"),
    ("KR", lambda: f"+82 2-{dg(3)}-{dg(4)}"),
    ("SG", lambda: f"+65 6{dg(3)} {dg(4)}"),
    ("HK", lambda: f"+852 2{dg(3)} {dg(4)}"),
    ("AE", lambda: f"+971 4 {dg(3)} {dg(4)}"),
    ("EG", lambda: f"+20 2 {dg(8)}"),
    ("ZA", lambda: f"+27 21 {dg(3)} {dg(4)}"),
    ("MX", lambda: f"+52 55 {dg(4)} {dg(4)}"),
    ("IE", lambda: f"+353 1 {dg(3)} {dg(4)}"),
    ("UK contiguous", lambda: f"+447{dg(9)}"),
]


def digits_of(s):
    return re.sub(r"\D", "", s)


ti = 0
for label, fn in PHONE_GEN:
    while True:
        v = fn()
        nd = len(digits_of(v))
        # a contiguous '+digits' run must not also look like a card
        runs = re.findall(r"\d{13,19}", v)
        if 8 <= nd <= 15 and not any(card_like(r) for r in runs):
            break
    pos("phone", PHONE_TPL[ti % len(PHONE_TPL)], v, "[phone]", label)
    ti += 1
pos("phone", "call ¤ now", "+49 170 1234567", "[phone]", "brief example")
pos("phone", "電話 ¤ まで", "+81 3-1234-5678", "[phone]", "brief example")
pos("phone", "office ¤, ext. 12", "+44 (0)20 7946 0958", "[phone]", "spec example")

NANP_TPL = [
    "call me at ¤ tomorrow",
    "llámame al ¤ mañana",
    "Kunde erreichbar unter ¤",
    "voicemail from ¤ (2 min)",
    "dialing ¤ now",
    "请回电 ¤ 谢谢",
]


def nanp_parts():
    return dg(3, "23456789"), dg(3, "23456789"), dg(4)


NANP_FORMS = [
    ("(a) e-s", lambda a, e, s: f"({a}) {e}-{s}"),
    ("(a)e-s", lambda a, e, s: f"({a}){e}-{s}"),
    ("a-e-s", lambda a, e, s: f"{a}-{e}-{s}"),
    ("a.e.s", lambda a, e, s: f"{a}.{e}.{s}"),
    ("1-a-e-s", lambda a, e, s: f"1-{a}-{e}-{s}"),
    ("+1 a-e-s", lambda a, e, s: f"+1 {a}-{e}-{s}"),
    ("+1 (a) e-s", lambda a, e, s: f"+1 ({a}) {e}-{s}"),
    ("+1 a.e.s", lambda a, e, s: f"+1 {a}.{e}.{s}"),
]
for i in range(16):
    label, fn = NANP_FORMS[i % len(NANP_FORMS)]
    v = fn(*nanp_parts())
    pos("phone", NANP_TPL[i % len(NANP_TPL)], v, "[phone]", "NANP " + label)
pos("phone", "call ¤ now", "(415) 555-2671", "[phone]", "NANP spec example")
pos("phone", "call ¤ now", "415.555.2671", "[phone]", "NANP spec example")

# phone near misses
keep("number", "call 123-456-7890 now", "area code starts with 1")
keep("number", "call (123) 456-7890 now", "area code starts with 1")
keep("number", "call 415-155-2671 now", "exchange starts with 1")
keep("number", "call 415-555.2671 now", "mixed separators")
keep("number", "ts 4155552671 rotated", "10 digits, no separators (unix seconds)")
keep("number", "Rufnummer 030 1234567 (national, no +)", "national number without +")
keep("timestamp", "Thu, 26 Nov 2026 10:20:30 +0100", "tz offset +0100")
keep("timestamp", "offset +01:00 applied", "tz offset")
keep("timestamp", "tz=+0530 region=IN", "tz offset")
keep("date", "due 2026-11-26 (Thursday)", "ISO date")
keep("date", "Fälligkeit 12-05-2026", "dashed date")
keep("number", "score +1234567 points", "7 digits after +: too short")
keep("number", "diff +12 -3 lines", "short signed numbers")
keep("number", "listening on port 5432", "port")
keep("number", "wrote 1048576 bytes in 3 chunks", "byte count")
keep("number", "heap 4294967296 bytes", "byte count, 10 digits")

# ---------------------------------------------------------------------------
# SSN
# ---------------------------------------------------------------------------

def ssn_valid(s):
    m = re.fullmatch(r"(\d{3})-(\d{2})-(\d{4})", s)
    if not m:
        return False
    a, g, n = m.groups()
    return a != "000" and a != "666" and not ("900" <= a <= "999") and g != "00" and n != "0000"


SSN_TPL = [
    "social security no. ¤ on file",
    "Antragsteller ¤ verifiziert",
    "numéro de sécurité sociale américain ¤ vérifié",
    "número ¤ verificado por RR.HH.",
    "米国社会保障番号 ¤ を確認しました",
    "美国社保号 ¤ 已核验",
    "номер социального страхования ¤ проверен",
    "applicant ¤, W-2 received",
]
for i in range(16):
    while True:
        a = R.randint(1, 899)
        v = f"{a:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"
        if ssn_valid(v):
            break
    pos("id-number", SSN_TPL[i % len(SSN_TPL)], v, "[id-number]", "valid SSN shape")
for bad, why in [("000-12-3456", "area 000"), ("666-12-3456", "area 666"), ("912-34-5678", "area 9xx"),
                 ("900-12-3456", "area 900"), ("123-00-4567", "group 00"), ("123-45-0000", "serial 0000")]:
    assert not ssn_valid(bad)
    keep("id", f"social security no. {bad} on file", why)
keep("number", "employee 123456789 badge", "9 digits without dashes")
keep("id", "ref 1234-56-7890 filed", "4-digit first group")
keep("id", "ref 234-56-78901 filed", "glued extra digit")

# ---------------------------------------------------------------------------
# Emails
# ---------------------------------------------------------------------------
EMAIL_TPL = [
    "Kontakt ¤ für Rückfragen",
    "écrire à ¤ pour le support",
    "contactar a ¤ mañana",
    "連絡先 ¤ まで",
    "请联系 ¤ 获取帮助",
    "напишите на ¤ сегодня",
    "راسلنا على ¤ من فضلك",
    "संपर्क करें ¤ पर",
    "sent invite to ¤",
    "From: Alice <¤>",
    "reply-to (¤) bounced",
    "{\"owner\":\"¤\"}",
    "notify ¤, then retry",
    "user ¤ logged in",
]
EMAILS = [
    "alice@example.com", "bob.smith@example.org", "first.last+tag@sub.example.co.uk",
    "o.brien@example.ie", "dev_ops-team@corp.example.io", "x@example.dev", "a.b.c@d.example.museum",
    "user123@123example.com", "support@xn--bcher-kva.example", "Mixed.Case@Example.COM",
    "josé@bücher.de", "用户@例子.广告", "пользователь@пример.рф", "δοκιμή@παράδειγμα.δοκιμή",
    "müller@straße.de", "info@例え.テスト", "ivan.petrov@yandex.ru", "zhang.wei@example.cn",
    "tanaka@example.co.jp", "noreply@mail.example.com", "root+alerts@ops.example.net",
    "jean-luc@exemple.fr", "maría@ejemplo.es", "admin@127example.org", "q@example.travel",
    "long.local.part.with.dots@very.deep.sub.domain.example.com",
]
for i, e in enumerate(EMAILS):
    pos("email", EMAIL_TPL[i % len(EMAIL_TPL)], e, "[email]")
pos("email", "mail bounced for ¤.", "carol@example.com", "[email]", "trailing '.' not part of it")
pos("email", "owner ¤- see ticket", "dave@example.com", "[email]", "trailing '-' not part of it")
pos("email", "Cc: ¤, team", "erin@example.net", "[email]")
add("email", "user alice@example.com from 10.0.0.1 failed", "user [email] from [ip] failed", "two spans")
add("email", "alice@example.com and bob@example.org", "[email] and [email]", "two addresses")

# disguised
DIS_TPL = [
    "contact ¤ today",
    "Kontakt: ¤",
    "écrivez à ¤ svp",
    "escriba a ¤ ahora",
    "お問い合わせ ¤ まで",
    "联系 ¤ 即可",
    "пишите ¤ срочно",
    "author ¤ wrote",
]
DISGUISED = [
    ("alice＠example.com", "fullwidth ＠"), ("info＠example.co.jp", "fullwidth ＠"),
    ("alice﹫example.com", "small ﹫"),
    ("alice%40example.com", "%40"), ("bob.smith%40example.org", "%40"),
    ("alice\\u0040example.com", "\\u0040 literal"), ("carol\\x40example.net", "\\x40 literal"),
    ("alice&#64;example.com", "&#64;"), ("dave&#x40;example.org", "&#x40;"), ("erin&commat;example.com", "&commat;"),
    ("peggy [at] example [dot] com", "spelled [at] + [dot]"),
    ("peggy [at] example.com", "spelled [at]"), ("peggy[at]example.com", "[at] no spaces"),
    ("peggy[at]example[dot]com", "[at][dot] no spaces"), ("j.doe [at] example [dot] co [dot] uk", "multiple [dot]"),
    ("peggy [at] example (dot) com", "[at] + (dot)"), ("peggy [at] example {dot} org", "[at] + {dot}"),
    ("peggy [AT] example.com", "[AT] upper"), ("peggy [At] example.com", "[At] mixed"),
    ("victor(at)example.com", "(at)"), ("victor (at) example.com", "(at) spaced"), ("victor (AT) example.de", "(AT) upper"),
    ("walter{at}example.com", "{at}"), ("walter {at} example.fr", "{at} spaced"), ("walter {AT} example.es", "{AT} upper"),
    ("hans.müller [at] beispiel.de", "unicode local, [at]"), ("yuki [at] example [dot] jp", "[at] [dot]"),
    ("trent [at] mail.example.org", "[at], dotted domain"),
]
for i, (v, why) in enumerate(DISGUISED):
    pos("disguised-email", DIS_TPL[i % len(DIS_TPL)], v, "[email]", why)
add("disguised-email", '<a href="mailto:bob&#64;example.org">mail</a>',
    '<a href="mailto:[email]">mail</a>', "HTML entity in mailto")

# email near misses
keep("version", "go install golang.org/x/tools/gopls@v0.16.1", "Go module version")
keep("version", "go run tool@v0.8.2", "Go module version")
keep("version", "npm i lodash@4.17.21 --save", "npm version")
keep("version", "added @types/node@20.11.5", "npm scoped version")
keep("code", "com.example.Foo@1a2b3c4d", "Java identity hash")
keep("code", "leaked object java.lang.Object@6d06d69c in pool", "Java identity hash")
keep("text", "ssh user@host failed", "no dot in domain")
keep("text", "login as admin@localhost", "no dot in domain")
keep("text", "ping @alice in #ops", "mention")
keep("text", "meet at example.com tomorrow", "plain ' at ' is not an @ substitute")
keep("text", "write to alice at example dot com", "plain at/dot words")
keep("text", "see you [at] noon", "[at] without a dotted domain")
keep("url", "amqp://queue@broker:5672", "URL lone user, host after @")
keep("url", "akka.tcp://ExecutorSystem@worker-07:51000", "Akka address")
keep("url", "git clone ssh://git@example.com/repo", "URL lone user, host after @")
keep("text", "Treffen um 10 Uhr at HQ", "prose")

# ---------------------------------------------------------------------------
# Vendor secrets
# ---------------------------------------------------------------------------
SEC_TPL = [
    "token ¤ leaked",
    "found ¤ in repo history",
    "Schlüssel ¤ wurde widerrufen",
    "clé ¤ révoquée",
    "usando la clave ¤ para deploy",
    "トークン ¤ が漏洩しました",
    "密钥 ¤ 已泄露",
    "ключ ¤ отозван",
    "تم تسريب المفتاح ¤ اليوم",
    "कुंजी ¤ लीक हुई",
    "curl -H 'X-Custom: ¤' https://api.example.com",
    "rotated ¤, old one disabled",
]
U = string.ascii_uppercase + string.digits
LET = string.ascii_letters
W = ALNUM + "_"
WD = ALNUM + "_-"
SECRETS = [
    ("GitHub ghp_", lambda: "ghp_" + rstr(36)),
    ("GitHub gho_", lambda: "gho_" + rstr(36)),
    ("GitHub ghu_", lambda: "ghu_" + rstr(36)),
    ("GitHub ghs_", lambda: "ghs_" + rstr(36)),
    ("GitHub ghr_", lambda: "ghr_" + rstr(36)),
    ("GitHub ghp_ 30", lambda: "ghp_" + rstr(30)),
    ("GitHub PAT", lambda: "github_pat_" + rstr(22) + "_" + rstr(59)),
    ("GitLab", lambda: "glpat-" + rstr(20, WD)),
    ("Stripe sk_live_", lambda: "sk_live_" + rstr(24)),
    ("Stripe sk_test_", lambda: "sk_test_" + rstr(24)),
    ("Stripe rk_live_", lambda: "rk_live_" + rstr(24)),
    ("Stripe rk_test_", lambda: "rk_test_" + rstr(16)),
    ("Stripe whsec_", lambda: "whsec_" + rstr(32)),
    ("Slack xoxb-", lambda: f"xoxb-{dg(12)}-{dg(13)}-{rstr(24)}"),
    ("Slack xoxp-", lambda: f"xoxp-{dg(12)}-{dg(12)}-{dg(13)}-{rstr(32, HEX)}"),
    ("Slack xoxa-", lambda: "xoxa-2-" + rstr(20)),
    ("Slack xoxr-", lambda: "xoxr-" + rstr(30)),
    ("Slack xoxs-", lambda: "xoxs-" + rstr(12)),
    ("Slack xapp-", lambda: f"xapp-1-A{rstr(10, U)}-{dg(13)}-{rstr(64, HEX)}"),
    ("AWS AKIA", lambda: "AKIA" + rstr(16, U)),
    ("AWS ASIA", lambda: "ASIA" + rstr(16, U)),
    ("Google AIza", lambda: "AIza" + rstr(35, WD)),
    ("OpenAI sk-", lambda: "sk-" + rstr(48, need_digit=True)),
    ("OpenAI sk-proj-", lambda: "sk-proj-" + rstr(40, WD, need_digit=True)),
    ("npm", lambda: "npm_" + rstr(36)),
    ("PostHog phx_", lambda: "phx_" + rstr(43)),
    ("PostHog phc_", lambda: "phc_" + rstr(43)),
    ("Sentry sntrys_", lambda: "sntrys_" + rstr(60, ALNUM + "_=+/")),
    ("Sentry sntryu_", lambda: "sntryu_" + rstr(64, HEX)),
    ("SendGrid", lambda: "SG." + rstr(22, WD) + "." + rstr(43, WD)),
    ("Google OAuth ya29.", lambda: "ya29." + rstr(60, WD)),
    ("Google GOCSPX-", lambda: "GOCSPX-" + rstr(28, WD)),
    ("Shopify shpat_", lambda: "shpat_" + rstr(32, HEX)),
    ("Shopify shpss_", lambda: "shpss_" + rstr(32, HEX)),
    ("Shopify shpca_", lambda: "shpca_" + rstr(32, HEX)),
    ("Shopify shppa_", lambda: "shppa_" + rstr(32, HEX)),
    ("Hugging Face", lambda: "hf_" + rstr(34, LET)),
    ("DigitalOcean", lambda: "dop_v1_" + rstr(64, HEX)),
]
for i, (label, fn) in enumerate(SECRETS):
    v = fn()
    pos("secret", SEC_TPL[i % len(SEC_TPL)], v, "[secret]", label)
# a few more at line start / in JSON with a non-sensitive key
pos("secret", "¤ is the old key", "ghp_" + rstr(36), "[secret]", "at string start")
pos("secret", "{\"value\":\"¤\"}", "AKIA" + rstr(16, U), "[secret]", "in JSON, non-sensitive key")
pos("secret", "export X=¤", "glpat-" + rstr(20, WD), "[secret]", "after '=' of a non-sensitive name")

# secret near misses
keep("text", "pip install sk-learn", "sk- too short, no digit")
keep("text", "started task-runner worker", "sk- not at a word boundary")
keep("text", "pip install sk-video-processing-toolkit-extras", "sk- body without a digit")
keep("id", "AKIA1234 is not a key", "AKIA too short")
keep("id", "ASIA region code ASIA-PAC", "ASIA too short")
keep("id", "ghp_abc123 placeholder", "ghp_ too short")
keep("text", "call hf_hub_download(repo)", "hf_ body not 30 letters")
keep("text", "npm_config_cache=/tmp/npm", "npm_ too short")
keep("text", "xoxb-123 test", "xoxb- too short")
keep("text", "glpat-abc example", "glpat- too short")
keep("text", "sk_test_123 in docs", "sk_test_ too short")
keep("text", "ya29.x expired", "ya29. too short")
keep("id", "x" + "ghp_" + rstr(36) + " found", "not at a word boundary")

# ---------------------------------------------------------------------------
# Bearer / JWT  -> [token]
# ---------------------------------------------------------------------------

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt():
    hdr = b64u(json.dumps({"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}, separators=(",", ":")).encode())
    pl = b64u(json.dumps({"sub": str(R.randint(1000, 99999)), "iat": 1764151230 + R.randint(0, 9999),
                          "scope": "read"}, separators=(",", ":")).encode())
    sig = b64u(bytes(R.randrange(256) for _ in range(32)))
    return f"{hdr}.{pl}.{sig}"


JWT_TPL = [
    "got ¤ from idp",
    "JWT ¤ abgelaufen",
    "jeton ¤ expiré",
    "トークン検証失敗 ¤",
    "令牌 ¤ 已过期",
    "{\"jwt\":\"¤\"}",
    "header value ¤ rejected",
]
for i in range(8):
    pos("token", JWT_TPL[i % len(JWT_TPL)], jwt(), "[token]", "JWT")
BEARER_TPL = [
    "sent Bearer ¤ upstream",
    "upstream 401 for Bearer ¤",
    "Anfrage mit Bearer ¤ abgelehnt",
    "requête avec Bearer ¤ refusée",
    "curl -H 'X-Auth: Bearer ¤' https://api.example.com",
    "Bearer ¤",
]
for i in range(8):
    tok = rstr(R.randint(32, 48), ALNUM + "-._~")
    tmpl = BEARER_TPL[i % len(BEARER_TPL)].replace("Bearer ¤", "¤")
    pos("token", tmpl, "Bearer " + tok, "Bearer [token]", "Bearer")
pos("token", "forwarding ¤ to api", "Bearer " + jwt(), "Bearer [token]", "Bearer + JWT")

# ---------------------------------------------------------------------------
# Basic auth and URL credentials -> [credentials]
# ---------------------------------------------------------------------------
for i, (u, pw) in enumerate([("alice", "s3cr3t"), ("admin", "admin123"), ("svc-backup", rstr(16)),
                             ("bob", rstr(12)), ("deploy", rstr(20)), ("user", "pass")]):
    b = base64.b64encode(f"{u}:{pw}".encode()).decode()
    tmpl = ["sent Basic ¤ upstream", "Anfrage mit Basic ¤ abgelehnt", "proxy replied 407 to Basic ¤",
            "Basic ¤", "retry with Basic ¤, status 401", "curl -H 'X-Auth: Basic ¤' https://example.com"][i]
    pos("credentials", tmpl.replace("Basic ¤", "¤"), "Basic " + b, "Basic [credentials]", "Basic auth")
URL_CREDS = [
    ("dial https://¤@db.example.com/x", "bob:pw"),
    ("connecting to postgres://¤@db.internal.example.com:5432/app", "app:" + rstr(14)),
    ("mysql://¤@mysql.example.net:3306/shop timed out", "root:" + rstr(10)),
    ("redis://¤@cache.example.com:6379/0", "default:" + rstr(16)),
    ("amqp://¤@rabbit:5672/ connected", "guest:guest"),
    ("mongodb+srv://¤@cluster0.example.mongodb.net/test", "admin:" + rstr(12)),
    ("Verbindung zu ftp://¤@ftp.example.de fehlgeschlagen", "hans:" + rstr(10)),
    ("connexion à smtp://¤@mail.example.fr:587 refusée", "marie:" + rstr(10)),
    ("conexión a https://¤@git.example.es/repo.git", "pepe:" + rstr(12)),
    ("接続先 postgresql://¤@db.example.jp/app", "yamada:" + rstr(10)),
]
for tmpl, cred in URL_CREDS:
    pos("credentials", tmpl, cred, "[credentials]", "URL userinfo user:password")

# ---------------------------------------------------------------------------
# Private keys
# ---------------------------------------------------------------------------
B64 = string.ascii_letters + string.digits + "+/"


def b64lines(nlines, start=""):
    lines = []
    for k in range(nlines):
        while True:
            ln = (start if k == 0 else "") + "".join(R.choice(B64) for _ in range(64 - (len(start) if k == 0 else 0)))
            if not re.search(r"(?<![A-Za-z0-9])(eyJ|AKIA|ASIA|AIza)", ln):
                break
        lines.append(ln)
    tail = "".join(R.choice(B64) for _ in range(R.randint(8, 40)))
    lines.append(tail + "=" * (R.randint(0, 2)))
    return lines


def pem(label, nlines=4, start="MII", headers=None, with_end=True):
    body = b64lines(nlines, start)
    if headers:
        body = headers + [""] + body
    parts = [f"-----BEGIN {label}-----"] + body
    if with_end:
        parts.append(f"-----END {label}-----")
    return parts


PK_TYPES = [
    ("RSA PRIVATE KEY", "MIIE"), ("EC PRIVATE KEY", "MHcC"), ("DSA PRIVATE KEY", "MIIB"),
    ("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA"), ("ENCRYPTED PRIVATE KEY", "MIIF"),
    ("PRIVATE KEY", "MIIE"), ("PGP PRIVATE KEY BLOCK", "lQOYBF"),
]
PK_TPL_NL = ["key is\n¤\ndone", "Schlüssel geladen:\n¤\nweiter", "clé chargée\n¤\n",
             "秘密鍵\n¤\n以上", "ключ:\n¤\nконец", "¤"]
PK_TPL_ONE = ["cfg pem ¤ loaded", "{\"pem\":\"¤\"}", "llave ¤ cargada", "私钥 ¤ 已加载"]
for i, (label, start) in enumerate(PK_TYPES):
    parts = pem(label, 4, start)
    if label == "PGP PRIVATE KEY BLOCK":
        parts = [parts[0], ""] + parts[1:-1] + ["=" + rstr(4, B64)] + [parts[-1]]
    pos("private-key", PK_TPL_NL[i % len(PK_TPL_NL)], "\n".join(parts), "[private-key]", label + ", real newlines")
    pos("private-key", PK_TPL_ONE[i % len(PK_TPL_ONE)], "\\n".join(parts), "[private-key]", label + ", \\n-escaped one line")
# RSA with Proc-Type headers
parts = pem("RSA PRIVATE KEY", 3, "", headers=["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,"
                                                  + rstr(32, "0123456789ABCDEF")])
pos("private-key", "legacy key\n¤\nok", "\n".join(parts), "[private-key]", "encrypted PEM headers")
# brief example shape
parts = pem("RSA PRIVATE KEY", 2, "MIIE")
pos("private-key", "key is\n¤\ndone", "\n".join(parts), "[private-key]", "brief example")
# no END: to end of string
parts = pem("EC PRIVATE KEY", 2, "MHcC", with_end=False)
pos("private-key", "dump follows: ¤", "\n".join(parts), "[private-key]", "no END line, to end of string")
parts = pem("OPENSSH PRIVATE KEY", 2, "b3BlbnNzaC1rZXktdjEAAAAA", with_end=False)
pos("private-key", "truncated: ¤", "\\n".join(parts), "[private-key]", "no END, escaped newlines")

# keep: certificates and public keys
for i, label in enumerate(["CERTIFICATE", "PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY", "CERTIFICATE REQUEST",
                           "X509 CRL"]):
    parts = pem(label, 4, "MII")
    sep = "\n" if i % 2 == 0 else "\\n"
    keep("cert", ["server cert\n", "pubkey ", "chain: ", "Öffentlicher Schlüssel ", "csr ", "crl "][i] + sep.join(parts) + sep + "ok",
         label + " is not a private key")
parts = pem("CERTIFICATE", 3, "MII")
keep("cert", "証明書\n" + "\n".join(parts), "certificate, ends at string end")

# ---------------------------------------------------------------------------
# Sensitive key assignments -> [redacted]
# ---------------------------------------------------------------------------

def val():
    return rstr(R.randint(8, 16), ALNUM, need_digit=True, need_letter=True)


ASSIGN_KEYS = [
    "password", "Password", "PASSWORD", "passwd", "pass", "pwd", "passphrase", "secret", "client_secret",
    "token", "access_token", "refresh_token", "id_token", "api_key", "apikey", "API-KEY", "Api_Key",
    "access_key", "secret_key", "private_key", "authorization", "cookie", "session", "sessionid",
    "session_id", "csrf", "otp", "db.password", "spring.datasource.password", "DB_PASSWORD",
    "clientSecret", "accessKey", "privateKey", "authToken", "refreshToken", "aws_secret_access_key",
    "AWS_SECRET_ACCESS_KEY", "signingKey", "encryption_key", "masterKey", "licenseKey",
    "storage_account_key", "deploy_key", "githubToken", "webhookSecret", "userPassword",
    "adminPassphrase", "stripe.apiKey", "sessionId", "client-secret", "X_Auth_Token",
]
EQ_TPL = [
    "login failed user=bob {}={} retry=1",
    "Anmeldung fehlgeschlagen {}={} für bob",
    "échec de connexion {}={} utilisateur=marie",
    "config cargada {}={} ok",
    "設定 {}={} を読み込みました",
    "配置 {}={} 已加载",
    "конфиг {}={} применён",
    "تم تحميل {}={} بنجاح",
    "सेटिंग {}={} लोड हुई",
    "level=warn {}={} msg=\"rotating\"",
]
for i, k in enumerate(ASSIGN_KEYS):
    v = val()
    form = i % 4
    if form in (0, 1):
        t = EQ_TPL[i % len(EQ_TPL)]
        want = t.format(k, "[redacted]")
        if k.lower() in ("authorization", "cookie"):
            # Authorization and Cookie values hold spaces and ';': the
            # engine removes them to the end of the line.
            want = want[:want.index("[redacted]") + len("[redacted]")]
        add("assignment", t.format(k, v), want, f"{k}=value")
    elif form == 2:
        add("assignment", f'{{"user":"bob","{k}":"{v}"}}', f'{{"user":"bob","{k}":"[redacted]"}}', "JSON")
    else:
        add("assignment", f'{k} = "{v}"', f'{k} = "[redacted]"', 'key = "value"')
add("assignment", "password=hunter2 next", "password=[redacted] next", "brief example")
add("assignment", '{"api_key":"abc"}', '{"api_key":"[redacted]"}', "brief example")
add("assignment", "password: hunter2", "password: [redacted]", "spec example")
add("assignment", '{"password": "hunter2x", "user": "bob"}', '{"password": "[redacted]", "user": "bob"}', "JSON with spaces")
add("assignment", "X-Api-Key: 9f8e7d6c5b4a3210", "X-Api-Key: [redacted]", "header line")
add("assignment", "X-CSRF-Token: " + val(), "X-CSRF-Token: [redacted]", "header line")
add("assignment", "Cookie: " + val(), "Cookie: [redacted]", "header line, simple value")
add("assignment", "pin=4821 attempts=1", "pin=[redacted] attempts=1", "pin")
add("assignment", "cvv=123 ok", "cvv=[redacted] ok", "cvv")
add("assignment", "cvc=987 ok", "cvc=[redacted] ok", "cvc")
add("assignment", "dob=1990-04-12 verified", "dob=[redacted] verified", "dob")
add("assignment", '{"date_of_birth":"1985-07-30"}', '{"date_of_birth":"[redacted]"}', "date_of_birth")
add("assignment", '{"birthdate":"2001-02-03","plan":"pro"}', '{"birthdate":"[redacted]","plan":"pro"}', "birthdate")
add("assignment", 'note = "call back after 5pm"', 'note = "[redacted]"', "note, quoted")
add("assignment", '{"notes":"VIP customer, handle with care"}', '{"notes":"[redacted]"}', "notes")
add("assignment", '{"description":"Kundin ruft morgen an"}', '{"description":"[redacted]"}', "description")
add("assignment", 'password="hunter 2" user=bob', 'password="[redacted]" user=bob', 'quoted logfmt value')
add("assignment", "passphrase: " + "Correct7Horse", "passphrase: [redacted]", "colon form at end")

# assignment near misses
keep("code", "ErrorCodeKey=-21", "Key without qualifier")
keep("code", "NSErrorFailingURLKey=https://example.org/x", "Key without qualifier")
keep("code", "FailingURLKey=https://example.org/x", "Key without qualifier")
keep("code", "groupKey=ChannelA", "Key without qualifier")
keep("code", "sort_key=name", "Key without qualifier")
keep("code", "cache_key=user:42", "cache_key is listed as not sensitive")
keep("code", "session_count=3", "session_ is a prefix, not the key")
keep("text", "IP: routing table full", "address key alone does not redact")
keep("text", "store: find token: context canceled", "Go error prefix")
keep("text", "auth: refresh token: deadline exceeded", "Go error prefix")
keep("text", "db: get password: connection refused", "Go error prefix")
keep("text", "cache: load session: not found", "Go error prefix")
keep("code", "max_tokens=4096 temperature=0.2", "tokens != token")
keep("code", "prompt_tokens=128 completion_tokens=64", "tokens != token")
keep("code", "token_count=3", "token is a prefix here")
keep("code", "password_min_length=12", "password is a prefix here")
keep("code", "secretary=Alice", "secretary != secret")
keep("code", "passed=12 failed=0", "passed != pass")
keep("code", "hotkey=F5", "key glued without boundary/qualifier")
keep("code", "keyboard=us", "not a sensitive key")
keep("code", "tokenizer=bpe", "not a sensitive key")

# ---------------------------------------------------------------------------
# IP addresses
# ---------------------------------------------------------------------------
IP_TPL = [
    "connection from ¤ port 22",
    "Verbindung von ¤ abgelehnt",
    "connexion depuis ¤ refusée",
    "conexión desde ¤ rechazada",
    "接続元 ¤ を拒否",
    "来自 ¤ 的请求被拒绝",
    "подключение с ¤ отклонено",
    "تم حظر ¤ مؤقتا",
    "¤ से अनुरोध अस्वीकृत",
    "upstream ¤:8080 unhealthy",
    "peer=¤ status=ok",
    "blocked (¤)",
]
IPS = ["10.0.0.1", "192.168.1.254", "172.16.254.1", "8.8.8.8", "203.0.113.42", "255.255.255.255",
       "0.0.0.0", "100.64.0.10", "198.51.100.7", "127.0.0.1", "1.1.1.1", "45.33.32.156",
       "2001:db8::1", "::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "fe80::1ff:fe23:4567:890a",
       "2001:db8:0:0:1:0:0:1", "::ffff:192.0.2.128", "2606:4700:4700::1111", "fd12:3456:789a:1::1"]
for i, ip in enumerate(IPS):
    pos("ip", IP_TPL[i % len(IP_TPL)], ip, "[ip]")
add("ip", "abc10.0.0.1xyz", "abc[ip]xyz", "letters glued around do not matter")
add("ip", "request from 10.1.2.3.", "request from [ip].", "sentence-ending dot")
add("ip", "ip=10.0.0.1", "ip=[ip]", "address key: value replaced by the IP detector")
add("ip", "client_ip=203.0.113.9 path=/login", "client_ip=[ip] path=/login", "address key")
add("ip", "X-Forwarded-For: 203.0.113.7, 10.0.0.1", "X-Forwarded-For: [ip], [ip]", "two IPs")
add("ip", "remote_addr=10.1.2.3:5432", "remote_addr=[ip]:5432", "port kept")
add("ip", "ping fe80::1%eth0 ok", "ping [ip]%eth0 ok", "zone kept")
add("ip", "dial [2001:db8::1]:443 failed", "dial [ip]:443 failed", "brackets go with it")
add("ip", "listen [::1]:8080", "listen [ip]:8080", "brackets go with it")
add("ip", "connect to ::1 port 5432", "connect to [ip] port 5432", "loopback")

# IP near misses
for s, why in [("snmp oid 1.3.6.1.4.1.2021.10 polled", "OID"), ("build 6.2.9200.16384", "Windows build"),
               ("ts 2006-01-02-03.04.05.123456", "DB2 timestamp"), ("uname kernel-2.6.0.12345_smp", "kernel"),
               ("Microsoft Windows version 6.1.7601.0", "version cue"),
               ("package Microsoft-Windows-Foo~31bf3856ad364e35~amd64~~6.1.1.0", "~ version cue"),
               ("release v1.2.3.4", "v cue"), ("release V10.0.0.1", "V cue"), ("ver:1.2.3.4 installed", "ver: cue"),
               ("version=10.0.19041.1", "version= cue"), ("ver 2.0.0.1", "ver cue"),
               ("value 1.2.3.4.5 parsed", "five parts"), ("bad addr 10.0.0.256", "octet > 255"),
               ("subnet 192.168.1 incomplete", "three parts"), ("ratio 3.14159", "float")]:
    keep("version" if "cue" in why or why in ("Windows build", "kernel") else "number", s, why)
for s in ["Widget::drawFrame called", "Txn::Commit failed", "onEvent::0 fired", "std::vector<int> resized",
          "Foo::Bar::baz()", "panic in Handler::ServeHTTP"]:
    keep("code", s, "C++/Rust path, not IPv6")
for s in ["mac 00:1A:2B:3C:4D:5E up", "hw de:ad:be:ef:00:01", "MAC 00-1a-2b-3c-4d-5e", "cisco 001a.2b3c.4d5e"]:
    keep("id", s, "MAC address")
keep("timestamp", "at 10:20:30 the job ran", "time")

# ---------------------------------------------------------------------------
# Other keep-* near misses
# ---------------------------------------------------------------------------

def hexs(n):
    while True:
        h = "".join(R.choice(HEX) for _ in range(n))
        if not re.search(r"\d{9,}", h) and re.search(r"[a-f]", h):
            return h


def uuid4():
    h = hexs(32)
    h = h[:12] + "4" + h[13:16] + R.choice("89ab") + h[17:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


for t in ["request_id=¤ done", "Anfrage ¤ abgeschlossen", "{\"id\":\"¤\"}", "ユーザー ¤ を作成", "заказ ¤ создан"]:
    keep("id", t.replace(P, uuid4()), "UUID")
keep("id", "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "W3C traceparent")
keep("id", f"traceparent=00-{hexs(32)}-{hexs(16)}-00", "W3C traceparent")
keep("id", f"trace_id={hexs(32)} span_id={hexs(16)}", "trace/span ids")
keep("id", f"{{\"traceId\":\"{hexs(32)}\",\"spanId\":\"{hexs(16)}\"}}", "trace/span ids JSON")
keep("hash", f"commit {hexs(7)} merged", "short git SHA")
keep("hash", f"HEAD is now at {hexs(7)} fix typo", "short git SHA")
keep("hash", f"commit {hexs(40)}", "full git SHA")
keep("hash", f"Revert \"{hexs(40)}\"", "full git SHA")
keep("hash", f"sha256 {hexs(64)}  release.tar.gz", "SHA-256 hex")
keep("hash", f"image nginx@sha256:{hexs(64)}", "image digest")
keep("hash", f"digest: sha256:{hexs(64)} size: 1570", "docker digest")
keep("hash", f"md5={hexs(32)}", "MD5")
keep("id", "ulid 01ARZ3NDEKTSV4RRFFQ69G5FAV", "ULID")
keep("id", "pod api-7d9f8b6c5-x2x9z restarted", "k8s pod name")
keep("id", "order ORD-2026-000123 created", "order number")
for s in ["2026-11-26T10:20:30+01:00", "2026-11-26T10:20:30.123456789-07:00", "2026-11-26T10:20:30Z",
          "2026-11-26 10:20:30 -0700", "2026-11-26T10:20:30.5+05:30", "Thu Nov 26 10:20:30 CET 2026",
          "26/Nov/2026:10:20:30 +0100"]:
    keep("timestamp", f"time={s} level=info" if " " not in s else f"[{s}] GET /health 200", "RFC 3339 / log timestamp")
for s in ["2026-11-26", "26/11/2026", "11.26.2026", "26.11.2026", "2026/11/26", "20261126"]:
    keep("date", f"Stichtag {s} bestätigt", "date")
keep("date", "締切 2026-11-26 まで", "date, Japanese")
keep("date", "fecha 26/11/2026 confirmada", "date, Spanish")
for s in ["23:59:59.999", "10:20", "00:00:00"]:
    keep("timestamp", f"cron at {s} ran", "time")
for s in ["1.234ms", "1h2m3s", "250µs", "3.5s", "1m30s", "42ns", "2h45m0.5s"]:
    keep("duration", f"request took {s}", "Go duration")
keep("duration", "処理時間 1.234ms", "duration, Japanese")
for s in ["1.2.3", "v1.26.8", "go1.26.8", "1.2.3-rc.1+build.5", "v2.0.0-beta.3", "10.4.12"]:
    keep("version", f"upgraded to {s}", "semver")
keep("version", "go version go1.26.8 linux/amd64", "Go version")
keep("version", "Версия 1.2.3 установлена", "semver, Russian")
for s in ["/api/v1/projects/{id}", "/users/:id/orders/:orderId", "/v2/{tenant}/items/{itemId}/history",
          "GET /api/v1/time-entries?page=2&limit=50"]:
    keep("url", f"route {s} matched", "route pattern")
for s in ["SELECT id FROM users WHERE id = $1", "UPDATE timers SET stopped_at = now() WHERE id = $1 AND user_id = $2",
          "INSERT INTO projects (name, owner_id) VALUES ($1, $2) RETURNING id",
          "DELETE FROM sessions_archive WHERE created_at < $1"]:
    keep("code", f"query: {s}", "SQL text")
for s in ["application/json; charset=utf-8", "text/html; charset=UTF-8", "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
          "application/vnd.api+json"]:
    keep("text", f"Content-Type: {s}", "content type")
for s in ["https://example.org/docs?page=2", "https://api.example.com/v1/users/42", "http://localhost:8080/metrics",
          "https://example.com:8443/health", "https://例子.广告/路径"]:
    keep("url", f"fetch {s} ok", "URL without credentials")
keep("number", "Tiempo de espera: 30 segundos, 3 reintentos", "Spanish prose with numbers")
keep("text", "Der Vorgang wurde erfolgreich abgeschlossen.", "German prose")
keep("text", "L'opération a réussi en 3 étapes.", "French prose")
keep("text", "処理が正常に完了しました (3件)", "Japanese prose")
keep("text", "操作已成功完成，共 42 条记录", "Chinese prose")
keep("text", "Операция завершена успешно за 12 секунд", "Russian prose")
keep("text", "اكتملت العملية بنجاح", "Arabic prose")
keep("text", "प्रक्रिया सफलतापूर्वक पूरी हुई", "Hindi prose")
keep("text", "user_id=42 route=/api/v1/projects/{id} status=200 bytes=512", "ordinary access log")
keep("text", "level=error msg=\"dial tcp: lookup db: no such host\"", "ordinary error")

# ---------------------------------------------------------------------------
# Self-checks and output
# ---------------------------------------------------------------------------
MARKERS = ["[email]", "[token]", "[ip]", "[redacted]", "[credentials]", "[card]", "[iban]", "[phone]",
           "[id-number]", "[secret]", "[private-key]"]
CARD_CAND = re.compile(r"(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w])")
ALLOW_CARDLIKE = {"blk_-5105105105105100", "offset -4111111111111111", "ratio 1.4111111111111111",
                  "value 4111111111111111.25"}
seen = set()
for c in cases:
    assert isinstance(c["in"], str) and isinstance(c["want"], str)
    assert c["in"] not in seen, ("duplicate", c["in"])
    seen.add(c["in"])
    if c["cat"].startswith("keep-"):
        assert c["in"] == c["want"]
        assert not any(m in c["in"] for m in MARKERS), c
        assert not re.search(r"(?<![A-Za-z0-9])(eyJ[A-Za-z0-9_-]{5,}\.|AKIA[A-Z0-9]{16}\b|AIza[\w-]{35})", c["in"]), c
    else:
        assert c["in"] != c["want"], c
        assert any(m in c["want"] for m in MARKERS), c
    # no accidental card-like digit runs outside the card category
    if c["cat"] != "card":
        for m in CARD_CAND.finditer(c["in"]):
            d = re.sub(r"\D", "", m.group())
            if card_like(d) and not any(a in c["in"] for a in ALLOW_CARDLIKE):
                # glued/preceded cases are intentional keep cases
                prev = c["in"][m.start() - 1] if m.start() else ""
                assert prev in "-_" or c["cat"].startswith("keep-"), ("accidental card", c)

# cross-detector sanity: shapes of other detectors must not appear by accident
SSN_RE = re.compile(r"(?<![\w-])(\d{3}-\d{2}-\d{4})(?![\w-])")
NANP_RE = re.compile(r"(?<![\w(])(?:\(([2-9]\d\d)\) ?([2-9]\d\d)-\d{4}|([2-9]\d\d)([-.])([2-9]\d\d)\4\d{4})(?![\w])")
IPV4_RE = re.compile(r"(?<![\d.])((?:\d{1,3}\.){3}\d{1,3})(?!\d|\.\d)")
for c in cases:
    t = c["in"]
    if c["cat"] != "id-number":
        for m in SSN_RE.finditer(t):
            assert not ssn_valid(m.group(1)), ("accidental SSN", c)
    if c["cat"] != "phone":
        for m in NANP_RE.finditer(t):
            raise AssertionError(("accidental NANP", c))
    if c["cat"] not in ("ip", "email"):
        for m in IPV4_RE.finditer(t):
            if all(int(o) <= 255 for o in m.group(1).split(".")):
                before = t[:m.start()]
                if not re.search(r"(?:[vV~]|\b(?:version|ver)[ =:])$", before):
                    raise AssertionError(("accidental IPv4", c))

with open(OUT, "w", encoding="utf-8") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")

cnt = Counter(c["cat"] for c in cases)
for k in sorted(cnt):
    print(f"{k:18s} {cnt[k]}")
print("keep-* total     ", sum(v for k, v in cnt.items() if k.startswith("keep-")))
print("total            ", len(cases))
