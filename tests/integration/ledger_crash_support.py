"""Support for the ledger crash test: a throw-away PostgreSQL cluster and the client processes.

The cluster is made with the binaries in /usr/lib/postgresql/*/bin (initdb into a temporary
folder, its own port on 127.0.0.1, run as the `postgres` user when we are root, since initdb
refuses root). Each client process runs `THREADS` client threads; every request is one
transaction, and a request's key is written to the process's acknowledgement file only
after its commit returned, so the file lists exactly the requests a client saw succeed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ewaste import identity, ledger, payouts
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.identity import Actor, Role
from ewaste.kernel.errors import DomainError
from ewaste.kernel.ids import OrganisationId, UserId
from ewaste.kernel.money import Money
from tests.conftest import T0

ERRORS_FILE = Path(tempfile.gettempdir()) / "ewaste-crash-errors.log"
"""Unexpected errors of the client processes (anything but a refusal or a lost connection)."""
THREADS = 16
PARTIES = 24
DEPOSIT = Money(1_000_000_00)


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    """A PostgreSQL cluster in a temporary folder, on its own port."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        """The data folder."""
        return self.root / "data"

    @property
    def url(self) -> str:
        """The URL of the test's database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/crash"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Our own fixed binaries and arguments, never user input.
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603

    def init(self) -> None:
        """initdb (trust on loopback only) and start."""
        self.data.mkdir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.root, self.data):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "crash")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c max_connections=150 -c shared_buffers=32MB"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str) -> None:
        """Stop the server: `immediate` is a crash (no checkpoint, recovery on start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def remove(self) -> None:
        """Stop (if running) and delete the folder."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("fast")
        shutil.rmtree(self.root, ignore_errors=True)


def new_cluster(bin_dir: Path) -> Cluster:
    """A cluster on a free loopback port in a new temporary folder (not started)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    root = Path(tempfile.mkdtemp(prefix="ewaste-crash-"))
    # The postgres user must reach the data folder inside (its own, mode 0700).
    os.chmod(root, 0o755)  # noqa: S103
    return Cluster(bin_dir, root, port)


@dataclass(frozen=True)
class Parties:
    """Who trades in the crash test: an operator and PARTIES funded parties with banks."""

    operator: Actor
    parties: tuple[Actor, ...]


def seed(url: str) -> Parties:
    """Register the parties, fund each with DEPOSIT and give each a bank account."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        op_org = identity.register_organisation(session, role=Role.OPERATOR, name="op", now=T0)
        op_user = identity.register_user(
            session,
            organisation_id=OrganisationId(op_org.id),
            username="crash-operator",
            password="x" * 12,
            now=T0,
            password_hash="unused",
        )
        operator = Actor(UserId(op_user.id), OrganisationId(op_org.id), Role.OPERATOR, "op")
        parties = []
        for number in range(PARTIES):
            role = (Role.STATION, Role.COLLECTOR, Role.PLANT)[number % 3]
            org = identity.register_organisation(session, role=role, name=f"p{number}", now=T0)
            user = identity.register_user(
                session,
                organisation_id=OrganisationId(org.id),
                username=f"party-{number}",
                password="x" * 12,
                now=T0,
                password_hash="unused",
            )
            party = Actor(UserId(user.id), OrganisationId(org.id), role, f"p{number}")
            ledger.record_deposit(
                session,
                actor=operator,
                organisation_id=org.id,
                amount=DEPOSIT,
                bank_reference=f"seed-{number}",
                now=T0,
            )
            payouts.save_bank_account(
                session,
                actor=party,
                holder=f"p{number}",
                bank_name="银行",
                account_number=f"{62170000_0000_0000 + number}",
                now=T0,
            )
            parties.append(party)
    engine.dispose()
    return Parties(operator, tuple(parties))


def client_process(url: str, cast: Parties, slot: str, deadline: float, ack_dir: str) -> None:
    """Run THREADS clients until `deadline` (time.time()); thread 0 of slot "0" also acts as
    the operator, batching payouts and importing bank results."""
    engine = make_engine(url, pool_size=THREADS + 2)
    factory = make_session_factory(engine)
    threads = [
        threading.Thread(
            target=_client,
            args=(factory, cast, f"{slot}.{n}", deadline, Path(ack_dir)),
            daemon=True,
        )
        for n in range(THREADS)
    ]
    if slot.startswith("0."):
        threads.append(
            threading.Thread(target=_operator, args=(factory, cast, deadline), daemon=True)
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()


def _attempt(factory: sessionmaker[Session], work: object, deadline: float) -> bool:
    """Run `work(session)` in one transaction, retrying while the database is down; True
    once it committed, False when it was refused (a domain error) or time ran out."""
    while time.time() < deadline:
        try:
            with transaction(factory) as session:
                work(session)  # type: ignore[operator]
            return True
        except DomainError:
            return False
        except DBAPIError:
            time.sleep(0.2)
        except Exception as error:
            with open(ERRORS_FILE, "a", encoding="utf-8") as log:
                log.write(f"{type(error).__name__}: {error}\n")
            return False
    return False


def _record(message: str) -> None:
    with open(ERRORS_FILE, "a", encoding="utf-8") as log:
        log.write(message + "\n")


def _client(
    factory: sessionmaker[Session], cast: Parties, name: str, deadline: float, ack_dir: Path
) -> None:
    rng = random.Random(name)
    escrow, fees = ledger.Accounts.ESCROW, ledger.Accounts.PLATFORM_FEES
    with open(ack_dir / f"{name}.acks", "a", encoding="ascii") as acks:
        number = 0
        while time.time() < deadline:
            number += 1
            key = f"{name}:{number}"
            a, b = rng.sample(cast.parties, 2)
            kind = rng.choice(("transfer", "transfer", "release", "payout"))
            amount = Money(rng.randint(1, 500))
            if kind == "payout":

                def withdraw(
                    s: Session, a: Actor = a, key: str = key, amount: Money = amount
                ) -> None:
                    payouts.request_payout(s, actor=a, amount=amount, idempotency_key=key, now=T0)

                if _attempt(factory, withdraw, deadline):
                    acks.write(f"payout {a.organisation_id} {key}\n")
                    acks.flush()
                continue
            steps: list[tuple[str, tuple[ledger.Line, ...]]]
            if kind == "transfer":
                steps = [
                    (
                        f"t:{key}",
                        ledger.transfer(
                            payer=ledger.Accounts.party(a.organisation_id),
                            payee=ledger.Accounts.party(b.organisation_id),
                            amount=amount,
                        ),
                    )
                ]
            else:
                fee = Money(amount.minor // 50)
                lines = [
                    ledger.debit(escrow, amount),
                    ledger.credit(ledger.Accounts.party(b.organisation_id), amount - fee),
                ]
                if fee.is_positive():
                    lines.append(ledger.credit(fees, fee))
                steps = [
                    (
                        f"hold:{key}",
                        ledger.transfer(
                            payer=ledger.Accounts.party(a.organisation_id),
                            payee=escrow,
                            amount=amount,
                        ),
                    ),
                    (f"release:{key}", tuple(lines)),
                ]
            for entry_key, entry_lines in steps:

                def post(
                    s: Session, k: str = entry_key, ls: tuple[ledger.Line, ...] = entry_lines
                ) -> None:
                    ledger.post_entry(
                        s,
                        entry=ledger.JournalEntry(
                            idempotency_key=k,
                            occurred_at=T0,
                            description="crash test",
                            source="crash",
                            lines=ls,
                        ),
                    )

                if not _attempt(factory, post, deadline):
                    break
                acks.write(f"entry {entry_key}\n")
                acks.flush()


def _operator(factory: sessionmaker[Session], cast: Parties, deadline: float) -> None:
    rng = random.Random("operator")
    while time.time() < deadline - 2:
        time.sleep(2)

        def settle(s: Session) -> None:
            batch = payouts.create_batch(s, actor=cast.operator, now=T0)
            text = payouts.download_batch(s, actor=cast.operator, batch_id=batch.id, now=T0)
            lines = [",".join(payouts.RESULT_HEADER)]
            for row in text.strip().splitlines()[1:]:
                cells = row.split(",")
                outcome = "failed,,closed" if rng.random() < 0.2 else f"paid,B{cells[1]},"
                lines.append(f"{cells[0]},{cells[1]},{cells[6]},{outcome}")
            payouts.import_results(
                s, actor=cast.operator, batch_id=batch.id, text="\n".join(lines), now=T0
            )

        try:
            with transaction(factory) as session:
                settle(session)
        except payouts.NothingToBatch:
            continue
        except DBAPIError as error:
            # The server going away is expected (the test stops it); a deadlock is not.
            if "deadlock" in str(error):
                _record(f"operator deadlock: {error}")
        except DomainError as error:
            _record(f"operator {type(error).__name__}: {error}")
