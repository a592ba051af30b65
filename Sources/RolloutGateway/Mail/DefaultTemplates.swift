/// The templates that ship with the gateway, one per notification kind (plus the acknowledgement to a team).
///
/// Each starts with a `Subject:` line, then a blank line, then the body. Mustache, rendered as plain
/// text (no HTML escaping). An operator's templates folder overrides any of them by file name
/// (`team-assigned.mustache`).
enum DefaultTemplates {
    static let footer = """
        {{gateway_name}} <{{gateway_address}}>
        Reply to this message to answer; keep {{tag}} in the subject.
        Ticket: {{title}}
        Release notes: {{release_notes}}
        Fixed bugs: {{fixed_bugs}}
        Documentation: {{documentation}}
        """

    static let all: [String: String] = [
        "release-staged": """
            Subject: New staged rollout: {{title}}

            {{release_title}} (release ticket #{{release_id}}) has passed verification and its
            packages are in the StageRollOut repository. Staged-rollout ticket #{{ticket_id}} is open for it.

            Please choose the Early Adopter teams by replying with one line:

                assign <NGI>-<Site-name> [<NGI>-<Site-name> ...]

            Teams that adopt {{stack}}: {{candidate_teams}}
            """,
        "team-assigned": """
            Subject: Please test {{title}}

            Dear {{team}},

            you have been chosen as Early Adopter for {{title}}.
            Please acknowledge by {{deadline}} by replying with exactly one of these lines:

                {{reply_accept}}
                {{reply_reject}}

            After accepting, run the new version in production for {{testing_minimum_days}} to {{testing_maximum_days}} days
            and attach your report, named
                {{report_name}}
            """,
        "team-unassigned": """
            Subject: You are no longer assigned to {{title}}

            Dear {{team}},

            the staged-rollout managers have taken your team off ticket #{{ticket_id}}. Nothing more is needed from you.
            """,
        "team-accepted": """
            Subject: {{team}} accepted {{title}}

            {{team}} accepted the staged rollout of {{title}} ({{answered_by}}).
            Testing runs until {{testing_minimum}} at least and {{testing_maximum}} at most.
            """,
        "team-rejected": """
            Subject: {{team}} declined {{title}}

            {{team}} declined the staged rollout of {{title}} ({{answered_by}}).
            Teams still on the ticket: {{assigned_teams}}
            """,
        "answer-acknowledged": """
            Subject: Your answer for {{title}}: {{answer}}

            Dear {{team}},

            we recorded that your team {{answer}} the staged rollout of {{title}}.
            {{#testing_minimum}}
            Please run it in production and attach your report between {{testing_minimum}} and {{testing_maximum}}, named
                {{report_name}}
            If you put the service into a GOCDB "beta" downtime, tell us with:
                downtime {{team_short}} on
            {{/testing_minimum}}
            """,
        "no-answer": """
            Subject: No answer from {{team}} for {{title}}

            {{team}} was asked to acknowledge {{title}} by {{deadline}} and has not answered.
            """,
        "escalation": """
            Subject: Volunteers wanted: {{title}}

            No Early Adopter team has accepted the staged rollout of {{title}}
            (request {{escalation_number}}; teams that have not answered: {{teams_without_answer}}).

            Can your site test it? Reply to this message with:

                accept <NGI>-<Site-name>

            The packages are in the StageRollOut repository of {{stack}}.
            """,
        "testing-extended": """
            Subject: Testing period extended: {{title}}

            Dear {{team}},

            your testing period for {{title}} was extended by {{days}} days; it now ends {{testing_maximum}}.
            """,
        "testing-minimum": """
            Subject: Time to report: {{title}}

            Dear {{team}},

            the minimum testing period for {{title}} is over. Please attach your report, named
                {{report_name}}
            """,
        "testing-maximum": """
            Subject: Report overdue: {{title}}

            {{team}}: the testing period for {{title}} has ended and no report has arrived.
            Please attach it now, named
                {{report_name}}
            Managers may extend the period with: extend {{team_short}} <days>
            """,
        "report-received": """
            Subject: Received: {{file_name}}

            We received the {{what}} for {{title}}: {{file_name}}. Thank you.
            """,
        "report-refused": """
            Subject: Please check the name of {{file_name}}

            We kept your file {{file_name}} with ticket #{{ticket_id}}, but did not take it as a report:
            {{reason}}.

            Please send it again named
                {{expected_name}}
            """,
        "all-reports-in": """
            Subject: All reports are in: {{title}}

            Every team that accepted {{title}} has reported ({{teams}}).
            To close the rollout reply with:

                outcome accept|reject
                docid <document-server ID>
                resolve

            The document server's description for the archive: {{doc_description}}
            """,
        "conversation": """
            Subject: {{title}}

            {{author}} wrote on ticket #{{ticket_id}}:

            {{text}}
            """,
        "resolved": """
            Subject: Staged rollout finished: {{outcome}} for {{release_title}}

            The staged rollout of {{release_title}} is resolved.
            Outcome: {{outcome}}
            Reports: document {{docid}} ({{doc_description}})
            Release ticket #{{release_id}} is now {{release_status}}.
            """,
        "downtime-reminder": """
            Subject: Please end your GOCDB beta downtime: {{title}}

            Dear {{team}},

            {{release_title}} is released to production. Your service is still recorded in a GOCDB "beta"
            downtime: please remove it, then tell us with:

                downtime {{team_short}} off
            """,
        "delivery-failed": """
            Subject: Undeliverable mail: {{title}}

            Mail about ticket #{{ticket_id}} could not be delivered:

            {{failures}}

            Please check these addresses in the gateway's configuration.
            """,
        "volume-capped": """
            Subject: Outbound mail held back: {{title}}

            The gateway holds back {{held}} messages about ticket #{{ticket_id}}: more mail than the configured
            caps allow went to {{addresses}} within the last hour. They stay in the outbox and go out as the caps
            allow. If this is not expected, something is looping: check the gateway's log.
            """,
        "transcript": """
            Subject: Processed: {{title}}

            {{transcript}}
            """,
    ]
}
