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

    enum Teams: PreparedSQL {
        static let sql = "SELECT * FROM ticket_teams WHERE ticket_id = $1 ORDER BY position"
    }

    enum GGUS: PreparedSQL {
        static let sql = "SELECT ggus_ticket FROM ggus_links WHERE ticket_id = $1 ORDER BY position"
    }

    enum LockTicket: PreparedSQL {
        static let sql = "SELECT row_version FROM tickets WHERE id = $1 FOR UPDATE"
    }

    enum AnswerCount: PreparedSQL {
        static let sql = "SELECT COALESCE(SUM(answers), 0)::bigint AS n FROM answer_counts WHERE recipient = $1 AND minute > $2"
    }

    /// The flood limit's count, by the index `history_relay_window` (migration 7).
    enum RelayedComments: PreparedSQL {
        static let sql = "SELECT COUNT(*) AS n FROM history WHERE ticket_id = $1 AND actor_key = $2 AND action = 'comment' AND at > $3"
    }
}
