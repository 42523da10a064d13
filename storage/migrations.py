"""Versioned schema migrations.

The schema version is SQLite's `user_version`. Each migration is SQL frozen in time and
runs in its own transaction with the version bump, so a failure leaves the database at
the previous version. Never edit a released migration: add the next one.
"""

from __future__ import annotations

from storage.driver import Connection

TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
# Names and references get prefix indexes for search as you type; notes do without, as
# they would double the index written with every note for little gain (see bench/).
FTS_OPTIONS = f"{TOKENIZER}, prefix = '2 3'"
NOTE_FTS_OPTIONS = TOKENIZER

MIGRATIONS: list[str] = [
    # 1: the foundation.
    f"""
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE TABLE clients (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        case_ref TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        legal_name TEXT NOT NULL,
        preferred_name TEXT NOT NULL DEFAULT '',
        pronouns TEXT NOT NULL DEFAULT '',
        date_of_birth TEXT,
        phone TEXT,
        email TEXT,
        address TEXT NOT NULL DEFAULT '',
        prison_number TEXT,
        crn TEXT,
        pnc TEXT,
        status TEXT NOT NULL,
        closure_reason TEXT,
        referral_source TEXT,
        referral_date TEXT,
        keyworker TEXT NOT NULL DEFAULT '',
        release_date TEXT,
        order_end_date TEXT,
        linked_client_id TEXT REFERENCES clients(id) ON DELETE SET NULL,
        relationship_to_linked TEXT
    );
    CREATE INDEX clients_status ON clients(status);

    CREATE TABLE status_history (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT,
        note TEXT NOT NULL DEFAULT '',
        by TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX status_history_client ON status_history(client_id, at);

    CREATE TABLE family_members (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        relationship TEXT NOT NULL,
        date_of_birth TEXT,
        age INTEGER,
        lives_with_client INTEGER NOT NULL DEFAULT 0,
        contact_arrangements TEXT NOT NULL DEFAULT '',
        safeguarding_notes TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX family_members_client ON family_members(client_id);

    CREATE TABLE risk_flags (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        level TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        raised_on TEXT NOT NULL,
        review_date TEXT NOT NULL,
        ended_on TEXT
    );
    CREATE INDEX risk_flags_client ON risk_flags(client_id);

    CREATE TABLE case_notes (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        duration_minutes INTEGER,
        pathways TEXT NOT NULL DEFAULT '[]',
        text TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX case_notes_client ON case_notes(client_id, at);

    -- Search: names, case references and identifiers of clients; the text of notes.
    -- New rows are indexed by storage a batch at a time (storage/search.py, INDEX_NEW),
    -- many times faster than a trigger per row; edits and deletions are kept in step by
    -- the triggers here, which must build the same columns.
    CREATE VIRTUAL TABLE client_search USING fts5(
        case_ref, names, identifiers, {FTS_OPTIONS}
    );
    CREATE TRIGGER clients_search_update AFTER UPDATE ON clients BEGIN
        DELETE FROM client_search WHERE rowid = old.seq;
        INSERT INTO client_search(rowid, case_ref, names, identifiers) VALUES (
            new.seq, new.case_ref, new.legal_name || ' ' || new.preferred_name,
            concat_ws(' ', new.prison_number, new.crn, new.pnc,
                      replace(new.pnc, '/', ' '), substr(new.pnc, 3)));
    END;
    CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
        DELETE FROM client_search WHERE rowid = old.seq;
    END;

    CREATE VIRTUAL TABLE note_search USING fts5(
        text, content = 'case_notes', content_rowid = 'seq', {NOTE_FTS_OPTIONS}
    );
    CREATE TRIGGER case_notes_search_update AFTER UPDATE OF text ON case_notes BEGIN
        INSERT INTO note_search(note_search, rowid, text) VALUES ('delete', old.seq, old.text);
        INSERT INTO note_search(rowid, text) VALUES (new.seq, new.text);
    END;
    CREATE TRIGGER case_notes_search_delete AFTER DELETE ON case_notes BEGIN
        INSERT INTO note_search(note_search, rowid, text) VALUES ('delete', old.seq, old.text);
    END;

    -- The audit trail: what changed (field names, never values), hash-chained.
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        worker TEXT NOT NULL,
        action TEXT NOT NULL,
        record_table TEXT NOT NULL,
        record_id TEXT NOT NULL,
        fields TEXT NOT NULL,
        row_digest BLOB,
        hash BLOB NOT NULL
    );
    """,
    # 2: each client's last contact, derived from the notes like the search index, so the
    # caseload list and the attention panel need not seek into every client's notes (the
    # seeks decrypt most of the notes index: a tenth of a second on 10,000 clients).
    # New notes are added a batch at a time by storage (caseload.py, LAST_CONTACT_NEW); edits
    # and deletions are kept in step by the triggers here. No foreign key: it is derived,
    # and the triggers remove it with the client's last note.
    """
    CREATE TABLE last_contact (
        client_id TEXT PRIMARY KEY,
        at TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO last_contact (client_id, at)
        SELECT client_id, max(at) FROM case_notes GROUP BY client_id;
    CREATE TRIGGER case_notes_last_contact_update AFTER UPDATE OF at, client_id ON case_notes
    BEGIN
        DELETE FROM last_contact WHERE client_id IN (old.client_id, new.client_id);
        INSERT INTO last_contact (client_id, at)
            SELECT client_id, max(at) FROM case_notes
            WHERE client_id IN (old.client_id, new.client_id) GROUP BY client_id;
    END;
    CREATE TRIGGER case_notes_last_contact_delete AFTER DELETE ON case_notes BEGIN
        DELETE FROM last_contact WHERE client_id = old.client_id;
        INSERT INTO last_contact (client_id, at)
            SELECT client_id, max(at) FROM case_notes
            WHERE client_id = old.client_id GROUP BY client_id;
    END;
    """,
    # 3: needs assessments. Each template version is kept as it was, so an assessment
    # always reads with exactly the questions it was made with. The whole assessment is
    # its JSON `body`; the columns beside it are what lists and reviews query. A completed
    # assessment is never changed: a correction is a new row naming the one it corrects,
    # and no assessment is corrected twice. One draft at a time per person and template.
    # The links between assessments are checked at commit, so a batch can arrive in any
    # order.
    """
    CREATE TABLE assessment_templates (
        template_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (template_id, version)
    );

    CREATE TABLE assessments (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        template_id TEXT NOT NULL,
        template_version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        assessed_on TEXT NOT NULL,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        next_review TEXT,
        review_of TEXT REFERENCES assessments(id) DEFERRABLE INITIALLY DEFERRED,
        corrects TEXT REFERENCES assessments(id) DEFERRABLE INITIALLY DEFERRED,
        body TEXT NOT NULL,
        FOREIGN KEY (template_id, template_version)
            REFERENCES assessment_templates(template_id, version)
    );
    CREATE INDEX assessments_client ON assessments(client_id, assessed_on);
    CREATE INDEX assessments_next_review ON assessments(next_review)
        WHERE status = 'completed';
    CREATE UNIQUE INDEX assessments_one_draft ON assessments(client_id, template_id)
        WHERE status = 'draft';
    CREATE UNIQUE INDEX assessments_corrected_once ON assessments(corrects)
        WHERE corrects IS NOT NULL;
    """,
    # 4: action plans, the partner agency directory, referrals and signposting. Each is
    # kept whole as JSON `body` with the columns queried beside it, as assessments are.
    # A plan is never updated: each save is a new row (`revision`), so its history is
    # its rows; the highest revision is the plan as it stands. An agency that referrals
    # name is archived, never deleted. Names in the directory are unique, ignoring case.
    """
    CREATE TABLE agencies (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        category TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL
    );
    CREATE UNIQUE INDEX agencies_name ON agencies(name COLLATE NOCASE);

    CREATE TABLE plans (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        review_date TEXT,
        next_step_due TEXT,
        body TEXT NOT NULL,
        UNIQUE (id, revision)
    );
    CREATE INDEX plans_client ON plans(client_id, id, revision);
    CREATE INDEX plans_review ON plans(review_date) WHERE status = 'live';
    CREATE INDEX plans_step_due ON plans(next_step_due) WHERE status = 'live';

    CREATE TABLE referrals (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        agency_id TEXT NOT NULL REFERENCES agencies(id),
        pathway TEXT NOT NULL,
        made_on TEXT NOT NULL,
        status TEXT NOT NULL,
        follow_up_on TEXT,
        step_id TEXT,
        body TEXT NOT NULL
    );
    CREATE INDEX referrals_client ON referrals(client_id, made_on);
    CREATE INDEX referrals_made ON referrals(made_on);
    CREATE INDEX referrals_follow_up ON referrals(follow_up_on)
        WHERE status IN ('made', 'accepted', 'started');

    CREATE TABLE signposts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        agency_id TEXT REFERENCES agencies(id),
        pathway TEXT NOT NULL,
        given_on TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX signposts_client ON signposts(client_id, given_on);
    CREATE INDEX signposts_given ON signposts(given_on);
    """,
    # 5: appointments. Each is kept whole as JSON `body` (its people and their outcomes
    # inside), with its times as UTC text ('2026-11-24T10:00:00') and what the agenda
    # shows beside it; the agenda's index holds all of that, so a week of a large
    # caseload is read from the index alone, not from pages all over the file. The people
    # table is worked out from the bodies on every save, for the questions asked per
    # person: their appointments, the next one, outcomes still to record, misses in a row.
    """
    CREATE TABLE appointments (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        series_id TEXT,
        title TEXT NOT NULL,
        location TEXT NOT NULL,
        met_with TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX appointments_agenda ON appointments(
        starts_at, seq, id, ends_at, kind, series_id, title, location, met_with);
    CREATE INDEX appointments_series ON appointments(series_id) WHERE series_id IS NOT NULL;

    CREATE TABLE appointment_people (
        appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        outcome TEXT,
        PRIMARY KEY (appointment_id, client_id)
    ) WITHOUT ROWID;
    CREATE INDEX appointment_people_client ON appointment_people(client_id, starts_at);
    CREATE INDEX appointment_people_open ON appointment_people(starts_at)
        WHERE outcome IS NULL;
    CREATE INDEX appointment_people_missed ON appointment_people(client_id, starts_at)
        WHERE outcome = 'did_not_attend';
    """,
]

LATEST = len(MIGRATIONS)


def schema_version(conn: Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: Connection, target: int = LATEST) -> list[int]:
    """Bring the database up to `target`; returns the versions applied."""
    applied = []
    for version in range(schema_version(conn) + 1, target + 1):
        script = MIGRATIONS[version - 1]
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
