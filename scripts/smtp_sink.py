#!/usr/bin/env python3
"""A throwaway SMTP sink for the tests (started by scripts/smtp.sh).

Every message received is written into a Maildir (one file per message in
<maildir>/new) before the sink answers 250; aiosmtpd adds the headers
X-MailFrom and X-RcptTo, which record the envelope (Bcc recipients
included).

    smtp_sink.py --port 2525 --maildir DIR
        plain SMTP on 127.0.0.1, no authentication.
    smtp_sink.py --port 4650 --maildir DIR --cert CERT --key KEY --user U --password P
        implicit TLS (SMTPS, as on port 465) with the certificate given, and
        AUTH PLAIN/LOGIN required: only U with P is accepted (535 otherwise).

Implicit TLS rather than STARTTLS: lettre's rustls path supports both; the
sink uses the one the common Chinese corporate mail services document for
clients (465 SSL). Runs until SIGTERM (or SIGINT, unless ignored).
"""

import argparse
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def authenticator_for(user, password):
    expected = (user.encode(), password.encode())

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == expected:
            return AuthResult(success=True)
        # handled=False: aiosmtpd answers 535 itself. With handled=True it
        # would send nothing and the client would wait for its timeout.
        return AuthResult(success=False, handled=False)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    kwargs = {}
    if args.cert or args.key:
        if not (args.cert and args.key):
            parser.error("--cert and --key go together")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        kwargs["ssl_context"] = context
    if args.user is not None or args.password is not None:
        if args.user is None or args.password is None:
            parser.error("--user and --password go together")
        if not args.cert:
            parser.error("AUTH needs TLS: give --cert and --key")
        kwargs["authenticator"] = authenticator_for(args.user, args.password)
        kwargs["auth_required"] = True
        # The whole session is already TLS (implicit TLS), which aiosmtpd's
        # auth_require_tls check does not see: it only knows STARTTLS.
        kwargs["auth_require_tls"] = False

    controller = Controller(Mailbox(args.maildir), hostname=args.host, port=args.port, **kwargs)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Started in the background by a script, SIGINT is ignored (a Ctrl-C
    # reaches the script, whose trap stops the sink); by hand, Ctrl-C stops it.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"smtp sink on {args.host}:{args.port} -> {args.maildir}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
