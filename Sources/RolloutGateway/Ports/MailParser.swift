import RolloutCore

/// The MIME-parsing port: raw bytes in, the core's message value out. Never throws: defects are recorded.
public protocol MailParser: Sendable {
    func parse(_ raw: [UInt8]) -> InboundMessage
}
