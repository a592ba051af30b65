extension PostgresSchema {
    /// Migration 7: each history entry's actor compared without regard to case (`actor_key`, written by the gateway as
    /// ``EmailAddress/key``) and an index over exactly what the flood limit counts — one sender's `comment` entries on a
    /// ticket after a time — so that a message's relay window reads a few index entries instead of the ticket's hour.
    /// Rows written before the migration take PostgreSQL's `lower()`, which agrees with the gateway's on every address
    /// but exotic Unicode ones; the window only reads the last hour, so only the hour of the upgrade could differ.
    static let relayWindow = [
        "ALTER TABLE history ADD COLUMN actor_key TEXT",
        "UPDATE history SET actor_key = lower(actor) WHERE actor IS NOT NULL",
        "CREATE INDEX history_relay_window ON history (ticket_id, actor_key, action, at)",
    ]
}
