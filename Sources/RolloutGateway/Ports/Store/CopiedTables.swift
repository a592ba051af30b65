/// The tables ``StoreTransfer`` copies, in copy order (a ticket before the rows that name it), each with the
/// columns that order its rows. Both drivers hold them with the same column names. `set_aside_total` is not
/// copied: each driver sums the copied set-aside messages itself.
public enum CopiedTables {
    public static let all: [(name: String, order: String)] = [
        ("ticket_sequence", "id"), ("tickets", "id"), ("ticket_teams", "ticket_id, position"), ("ggus_links", "ticket_id, position"),
        ("history", "id"), ("timers", "ticket_id, kind, team"), ("messages_seen", "message_key"), ("attachments", "id"),
        ("outbox", "id"), ("mailbox_cursors", "mailbox"), ("fetch_attempts", "mailbox, uid_validity, uid"),
        ("answer_counts", "recipient, minute"), ("set_aside", "id"),
    ]
}
