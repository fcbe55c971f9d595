#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (run from anywhere; overwrites seed-*).

Fields of one input are separated by NUL bytes (see FuzzSupport.h). Seeds come from the test
data where there is some: the AWS SDKs' profile parser tests (tests/data/aws-config-tests) and
the SigV4 test suite (tests/data/sigv4-testsuite). Crash inputs found later are added by hand
as crash-<what>, and this script leaves them alone.
"""
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"seed-{name}").write_bytes(data if isinstance(data, bytes) else data.encode())


def fields(*parts):
    return b"\0".join(p if isinstance(p, bytes) else p.encode() for p in parts)


def sigv4():
    suite = ROOT / "tests" / "data" / "sigv4-testsuite"
    for name in ["get-vanilla-query-order-key", "get-utf8", "get-vanilla-utf8-query",
                 "post-x-www-form-urlencoded", "normalize-path/get-relative-relative",
                 "normalize-path/get-slash-dot-slash", "normalize-path/get-space"]:
        case = suite / name
        req = (case / f"{case.name}.req").read_bytes()
        head, _, body = req.partition(b"\n\n")
        lines = head.split(b"\n")
        method, target, _ = lines[0].split(b" ", 2) if lines[0].count(b" ") >= 2 else (b"GET", lines[0], b"")
        path, _, query = target.partition(b"?")
        headers = b"\n".join(line for line in lines[1:] if not line.lower().startswith(b"host:"))
        write("sigv4", case.name, fields(path, query, method, headers, body, b""))
    write("sigv4", "iot-topic", fields("/topics/dt%2Fsensor-007%2Ftelemetry", "qos=1&retain=false",
                                       "POST", "content-type:application/json", '{"t":21}', ""))
    write("sigv4", "authorization", fields("/", "", "GET", "", "",
                                           "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
                                           "us-east-1/service/aws4_request, SignedHeaders=host;"
                                           "x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291"
                                           "e8372ff2a2260956d9b8aae1d763fbf31"))


def profile():
    tests = json.loads((ROOT / "tests/data/aws-config-tests/profile-parser-tests.json").read_text())
    picked = [t for t in tests["tests"] if "input" in t][:65:5]
    for i, test in enumerate(picked):
        given = test["input"]
        write("profile", f"sdk-{i:02d}", fields(given.get("configFile", ""),
                                                given.get("credentialsFile", "")))
    write("profile", "thingdeck", fields(
        "[default]\nregion = eu-west-1\n\n[profile dev]\nsource_profile = default\n"
        "role_arn = arn:aws:iam::123456789012:role/dev\nservices = local\n"
        "credential_process = \"/opt/my tool\" --profile 'dev x' a\\ b\n\n"
        "[services local]\niot =\n  endpoint_url = http://127.0.0.1:4566\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n",
        "[default]\naws_access_key_id = AKIDEXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"))


def shadow():
    write("shadow", "create", fields('{"state":{"desired":{"colour":"teal","threshold":21}}}',
                                     '{"state":{"reported":{"colour":"red","threshold":21}},'
                                     '"clientToken":"t1"}',
                                     '{"state":{"desired":{"colour":null}},"version":2}'))
    write("shadow", "nested", fields('{"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":"x"}}}}}}}}',
                                     '{"state":{"desired":{"1":{"2":{"a":[1,2,{"b":true}]}}}}}',
                                     '{"state":null}'))
    write("shadow", "stored", fields(
        '{"exists":true,"version":3,"desired":{"a":1},"reported":{"a":2},'
        '"metadata":{"desired":{"a":{"timestamp":1}},"reported":{"a":{"timestamp":1}}}}',
        '{"state":{"reported":{"a":1}},"version":3}'))
    write("shadow", "conflict", fields('{"state":{"reported":{"on":true}}}',
                                       '{"state":{"reported":{"on":false}},"version":7}',
                                       '{"state":{"desired":"no"}}'))


def topic():
    pairs = [("dt/+/telemetry", "dt/sensor-007/telemetry"), ("#", "$aws/things/x/shadow/update"),
             ("$aws/things/+/shadow/update/#", "$aws/things/sensor-007/shadow/update/documents"),
             ("a/#", "a"), ("+/+", "/"), ("sport/tennis/+", "sport/tennis/player1/ranking"),
             ("a/b#", "a/b"), ("caf\u00e9/+", "caf\u00e9/\u2603")]
    for i, (f, t) in enumerate(pairs):
        write("topic", f"pair-{i}", fields(f, t))


def payload():
    write("payload", "json", b"\x78" + b'{"t":21.5,"id":18446744073709551615,"tags":["a","b"],"o":{}}')
    write("payload", "text", b"\x20" + "temperature 21 °C\nok".encode())
    write("payload", "binary", b"\x10" + bytes(range(0, 40)))
    write("payload", "utf8-cut", b"\x05" + "☃☃☃☃☃☃".encode())
    write("payload", "array", b"\x00" + b"[1,[2,[]],{\"a\":\"x\\\"y\"}]")


def awserror():
    write("awserror", "json", fields("400", "x-amzn-ErrorType: ResourceNotFoundException:http://x\n"
                                     "x-amzn-RequestId: 1234", '{"message":"Thing x not found"}'))
    write("awserror", "type", fields("429", "", '{"__type":"com.amazonaws#ThrottlingException",'
                                     '"Message":"Rate exceeded"}'))
    write("awserror", "xml", fields("403", "x-amz-request-id: abc",
                                    (ROOT / "tests/data/sts/access-denied.xml").read_bytes()))
    write("awserror", "empty", fields("503", "", ""))
    write("awserror", "html", fields("502", "", "<html><body>Bad gateway</body></html>"))


def credentialprocess():
    write("credentialprocess", "full", '{"Version":1,"AccessKeyId":"AKIDEXAMPLE","SecretAccessKey":'
          '"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY","SessionToken":"tokentoken",'
          '"Expiration":"2030-01-01T00:00:00Z"}')
    write("credentialprocess", "long-term", '{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s"}')
    write("credentialprocess", "version2", '{"Version":2,"AccessKeyId":"AKID","SecretAccessKey":'
          '"secretsecret"}')
    write("credentialprocess", "bad-expiry", '{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":'
          '"secretsecret","Expiration":"tomorrow"}')
    write("credentialprocess", "not-json", "AKID secretsecret\n")


def http():
    write("http", "get", b"GET /things?maxResults=2 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n"
          b"X-Amz-Date: 20150830T123600Z\r\n\r\n")
    write("http", "post", b"POST /things/x/shadow?name=cfg HTTP/1.1\r\nHost: h\r\n"
          b"Content-Length: 9\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n")
    write("http", "http10", b"HEAD / HTTP/1.0\nConnection: keep-alive\n\n")
    write("http", "chunked", b"PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
    write("http", "expect", b"PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n"
          b"Expect: 100-continue\r\n\r\n")


def varint(n):
    out = b""
    while True:
        byte, n = n % 128, n // 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def string(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def mqtt():
    connect4 = packet(0x10, string("MQTT") + bytes([4, 0xC6]) + struct.pack(">H", 60) +
                      string("client-1") + string("dt/client-1/will") + string("bye") +
                      string("user") + string("pass"))
    connect5 = packet(0x10, string("MQTT") + bytes([5, 0x02]) + struct.pack(">H", 30) +
                      bytes([0]) + string("client-5"))
    connect31 = packet(0x10, string("MQIsdp") + bytes([3, 0x02]) + struct.pack(">H", 30) +
                       string("old"))
    publish4 = packet(0x32, string("dt/sensor-007/telemetry") + struct.pack(">H", 1) + b'{"t":21}')
    publish5 = packet(0x30, string("") + bytes([3, 0x23, 0, 1]) + b"payload")
    subscribe4 = packet(0x82, struct.pack(">H", 2) + string("dt/+/telemetry") + bytes([1]) +
                        string("$share/g/#") + bytes([0]))
    subscribe5 = packet(0x82, struct.pack(">H", 3) + bytes([0]) + string("a/b") + bytes([0x01]))
    ping, disconnect = packet(0xC0, b""), packet(0xE0, b"")
    write("mqtt", "v311-session", bytes([0x00]) + connect4 + subscribe4 + publish4 + ping + disconnect)
    write("mqtt", "v5-session", bytes([0x03]) + connect5 + subscribe5 + publish5 + disconnect)
    write("mqtt", "v31-connect", bytes([0x01]) + connect31 + ping)
    write("mqtt", "too-large", bytes([0x10]) + bytes([0x30]) + varint(100000) + b"x" * 8)
    write("mqtt", "bad-length", bytes([0x00]) + b"\x30\xff\xff\xff\xff\x01")


for make in [sigv4, profile, shadow, topic, payload, awserror, credentialprocess, http, mqtt]:
    make()
