extension ReplyText {
    /// A mail program's device signature ("Sent from my iPhone", "Envoyé depuis mon iPhone", "Von meinem iPhone
    /// gesendet", "Sent wirelessly from my BlackBerry device on the Bell network."; ``DeviceSignature``).
    ///
    /// The program writes it below what the person typed, so it ends the new text: it and everything below are cut
    /// (more signature, or the original without quote marks) — unless a line below reads as a command: then the person
    /// wrote on below it, and only the signature line itself is cut when old text follows it directly.
    static func deviceSignature(_ reading: Reading, _ index: Int) -> Match? {
        let lines = reading.lines
        guard DeviceSignature.matches(lines[index]) else { return nil }
        if !reading.commandBelow(index) { return .restOfMessage }
        var next = index + 1
        while next < lines.count, isBlank(lines[next]) { next += 1 }
        guard next < lines.count else { return nil }
        let oldTextFollows = oldTextRecognisers.contains { $0.match(reading, next) != nil }
        return oldTextFollows ? .through(next) : nil
    }
}
