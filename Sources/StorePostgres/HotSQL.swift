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

    /// A case's ticket rows in one statement: the ticket named, its parent and its child (those that exist), each with
    /// its GGUS links in their order. By the primary key: `= ANY` of three ids, never `OR` (which scans).
    enum Case: PreparedSQL {
        static let sql = """
            SELECT \(TicketRow.selection),
                ARRAY(SELECT ggus_ticket FROM ggus_links WHERE ggus_links.ticket_id = tickets.id ORDER BY ggus_links.position) AS ggus_tickets
            FROM tickets
            WHERE id = ANY(ARRAY[$1::bigint, (SELECT parent_id FROM tickets WHERE id = $1), (SELECT child_id FROM tickets WHERE id = $1)])
            """
    }

    /// A case's ticket rows locked until the transaction ends, in one statement and in the order of their ids (a
    /// release before its rollout, whose number is taken later): every instance locks in the same order.
    enum LockTickets: PreparedSQL {
        static let sql = "SELECT id, row_version FROM tickets WHERE id = ANY($1) ORDER BY id FOR UPDATE"
    }

    enum AnswerCount: PreparedSQL {
        static let sql = "SELECT COALESCE(SUM(answers), 0)::bigint AS n FROM answer_counts WHERE recipient = $1 AND minute > $2"
    }

    /// The flood limit's count, by the index `history_relay_window` (migration 7).
    enum RelayedComments: PreparedSQL {
        static let sql = "SELECT COUNT(*) AS n FROM history WHERE ticket_id = $1 AND actor_key = $2 AND action = 'comment' AND at > $3"
    }
}
