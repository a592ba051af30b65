import RolloutCore
import RolloutGateway

/// The statements prepared once per connection (``PreparedSQL``): those a message runs every time.
enum HotSQL {
    enum Seen: PreparedSQL {
        static let sql = "SELECT 1 AS one FROM messages_seen WHERE message_key = $1"
    }

    enum InsertSeen: PreparedSQL {
        static let sql = """
            INSERT INTO messages_seen (message_key, ticket_id, sender, disposition, seen_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (message_key) DO NOTHING RETURNING 1 AS one
            """
    }

    enum Ticket: PreparedSQL {
        static let sql = "SELECT \(TicketRow.selection) FROM tickets WHERE id = $1"
    }

    /// A case in one statement: the ticket named, its parent and its child (those that exist), each with its GGUS
    /// links in their order and joined to its teams (their columns named `team_…`: ``PostgresRowDecoder/prefix``), one
    /// row per team or one with NULL teams. By the primary key: `= ANY` of three ids, never `OR` (which scans).
    enum Case: PreparedSQL {
        static let sql = "SELECT \(caseColumns) \(caseRows(ticket: "$1")) ORDER BY tickets.id, team_position"
    }

    /// ``Case`` with what else a message's analysis reads at once (``InboundLookup``): whether its key was recorded
    /// ($1), the answers sent to its sender ($2) since a minute ($3), and the fingerprints of sent text (``SentText``:
    /// Message-IDs $5, the latest $6 of the ticket to the sender) on the first row only (a case has a row per team) —
    /// one row with NULL ticket columns when it names no case ($4 NULL or unknown).
    enum Lookup: PreparedSQL {
        static let sql = """
            SELECT EXISTS(SELECT 1 FROM messages_seen WHERE message_key = $1) AS seen_before,
                (SELECT COALESCE(SUM(answers), 0)::bigint FROM answer_counts WHERE recipient = $2 AND minute > $3) AS answers_to_sender,
                CASE WHEN row_number() OVER (ORDER BY found.id, found.team_position) = 1
                    THEN (\(sentText(messageIDs: "$5", ticket: "$4", recipient: "$2", limit: "$6"))) END AS sent_text,
                found.*
            FROM (VALUES (1)) AS one LEFT JOIN LATERAL (SELECT \(caseColumns) \(caseRows(ticket: "$4"))) AS found ON true
            ORDER BY found.id, found.team_position
            """
    }

    /// The fingerprints of sent text (``SentTextRequest``) in id order, as one array (NULL when none).
    enum SentText: PreparedSQL {
        static let sql = sentText(messageIDs: "$1", ticket: "$2", recipient: "$3", limit: "$4")
    }

    /// The fingerprints of the messages named by `messageIDs` (a text array, without angle brackets) and of the latest
    /// `limit` notifications of `ticket` to `recipient` (a key), never of those relaying others' words, each once and
    /// in id order: one array value. The second part names the kinds as the partial index `outbox_own_words` does.
    private static func sentText(messageIDs: String, ticket: String, recipient: String, limit: String) -> String {
        """
        SELECT array_agg(text_fingerprint ORDER BY id) FROM outbox WHERE id IN (
            SELECT id FROM outbox WHERE message_id = ANY(\(messageIDs)) AND text_fingerprint IS NOT NULL
              AND kind <> ALL(ARRAY[\(OutboxKind.relaysOthersWords.map { "'\($0.rawValue)'" }.joined(separator: ", "))])
            UNION ALL
            (SELECT id FROM outbox
             WHERE ticket_id = \(ticket) AND text_fingerprint IS NOT NULL AND kind NOT IN (\(PostgresSchema.notOwnWordsKinds))
               AND strpos(E'\\n' || lower(recipients) || E'\\n', E'\\n' || \(recipient) || E'\\n') > 0
             ORDER BY id DESC LIMIT \(limit)))
        """
    }

    static let teamPrefix = "team_"

    private static let caseColumns = (TicketRow.CodingKeys.allCases.map { "tickets.\($0.rawValue)" } + [
        "ARRAY(SELECT ggus_ticket FROM ggus_links WHERE ggus_links.ticket_id = tickets.id ORDER BY ggus_links.position) AS ggus_tickets",
        "ticket_teams.position AS team_position",
    ] + TeamRow.CodingKeys.allCases.map { "ticket_teams.\($0.rawValue) AS \(teamPrefix)\($0.rawValue)" }).joined(separator: ", ")

    private static func caseRows(ticket: String) -> String {
        """
        FROM tickets LEFT JOIN ticket_teams ON ticket_teams.ticket_id = tickets.id
        WHERE tickets.id = ANY(ARRAY[\(ticket)::bigint, (SELECT parent_id FROM tickets WHERE id = \(ticket)), (SELECT child_id FROM tickets WHERE id = \(ticket))])
        """
    }

    /// A case's ticket rows locked until the transaction ends, in one statement and in the order of their ids (a
    /// release before its rollout, whose number is taken later): every instance locks in the same order.
    enum LockTickets: PreparedSQL {
        static let sql = "SELECT id, row_version FROM tickets WHERE id = ANY($1) ORDER BY id FOR UPDATE"
    }

    /// The flood limit's count, by the index `history_relay_window` (migration 7).
    enum RelayedComments: PreparedSQL {
        static let sql = "SELECT COUNT(*) AS n FROM history WHERE ticket_id = $1 AND actor_key = $2 AND action = 'comment' AND at > $3"
    }

    /// The flood limit's count with whether held relays wait on the ticket (``RelayWindow``), in one statement.
    enum RelayWindowFacts: PreparedSQL {
        static let sql = "SELECT \(relayWindowColumns)"
    }

    /// ``RelayWindowFacts`` with whether any of a reply's first ``replayKeysAtOnce`` replay keys ($4 …; an empty key,
    /// never found whatever the table holds, for none) was recorded (``ReplyFacts``). One equality per key, never
    /// `= ANY($4)` of an array: the plan this connection keeps for the statement may be made while `messages_seen` is
    /// nearly empty (a new store), and for an array of unknown length the planner then prefers to read the whole
    /// table — a plan kept for the connection's life, or until the table is next analyzed, that read all of it for
    /// every reply. Never NULL for a missing key either: the server would then plan the statement anew at each run
    /// (BENCHMARKS.md).
    enum ReplyFacts: PreparedSQL {
        static let sql = """
            SELECT (\((0..<replayKeysAtOnce).map { "EXISTS(SELECT 1 FROM messages_seen WHERE message_key = $\($0 + 4) AND $\($0 + 4) <> '')" }.joined(separator: " OR "))) AS replayed,
                \(relayWindowColumns)
            """
    }

    /// The replay keys ``ReplyFacts`` looks up: a DKIM signature's and the text's; a reply's further keys (more
    /// signatures) are looked up by ``Seen``.
    static let replayKeysAtOnce = 2

    /// The columns `n` and `held` of a relay window: ticket $1, actor key $2, since $3.
    private static let relayWindowColumns = """
        (\(RelayedComments.sql)) AS n,
            EXISTS(SELECT 1 FROM timers WHERE ticket_id = $1 AND state = 'pending' AND kind = '\(TimerKind.heldRelays.rawValue)') AS held
        """
}
