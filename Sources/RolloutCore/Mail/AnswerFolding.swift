import Foundation

/// One incoming message earns at most one answer (issue 10 #3 and #11).
///
/// The routing table still decides who hears of an event (README "Who is notified"); for the notifications a
/// message causes, two adjustments are made here, as data, before anything is rendered:
/// - **The sender hears once.** Every notification that would reach the message's sender (the `answer-acknowledged`
///   copy of an `accept`, `report-received`, `report-refused` for each attachment, a notice to a team the sender is
///   a member of) goes to its other recipients only; what it would have told the sender is in the one answer, the
///   transcript, built from ``folded``. A thousand badly named attachments make one mail, not a thousand. When
///   the sender may not be answered (rate limit, automatic mail), they get nothing at all.
/// - **A list's post is not relayed back to it.** The conversation text of a message that came through an EA list
///   already reached that list's members: the `conversation` notification does not go to that list.
public struct AnswerFolding: Sendable, Equatable {
    /// The sender of the message.
    public var sender: EmailAddress
    /// The lists the message came through (its `List-Id`, or a list's address in `From`).
    public var arrivalLists: Set<EmailAddress>

    public init(sender: EmailAddress, arrivalLists: Set<EmailAddress> = []) {
        self.sender = sender
        self.arrivalLists = arrivalLists
    }

    /// The decision as sent, and the notifications (as routed, the sender still among their recipients) that the
    /// answer must fold in.
    public func fold(_ decision: Decision) -> (decision: Decision, folded: [RoutedNotification]) {
        var kept = decision
        var folded: [RoutedNotification] = []
        kept.notifications = decision.notifications.compactMap { notification in
            var notification = notification
            if notification.recipients.contains(sender) {
                folded.append(notification)
                notification.recipients.removeAll { $0 == sender }
            }
            if notification.kind == .conversation, !arrivalLists.isEmpty {
                notification.recipients.removeAll(where: arrivalLists.contains)
            }
            return notification.recipients.isEmpty ? nil : notification
        }
        return (kept, folded)
    }

    /// The configured lists a message came through: the one its `List-Id` names (RFC 2919,
    /// `<early-adopters-emi.lists.egi.eu>` is `early-adopters-emi@lists.egi.eu`), and a list that rewrote `From`.
    public static func arrivalLists(of headers: InboundHeaders, among lists: [EmailAddress]) -> Set<EmailAddress> {
        let listID = headers.listID.flatMap(MessageClassifier.listIdentifier)
        let from = Set(headers.from.map(\.address))
        return Set(lists.filter { list in from.contains(list) || list.key.replacingBytes("@", with: ".") == listID })
    }
}
