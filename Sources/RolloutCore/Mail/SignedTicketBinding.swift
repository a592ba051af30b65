/// Whether the signed words of a message bind it to a ticket (SPEC §5, issue 23 review): a signature proves who wrote
/// the words, not which ticket they were meant for — the subject tag and the reply address lie outside it. A signed
/// command counts for ticket T only when what was signed names T and no other ticket: the signer's own words when they
/// name a ticket, else the whole signed text (a quoted notification counts: it is inside the signature). A signed
/// reply that quotes a mention of another ticket ("see also #14", which anyone can post and the gateway relays) could
/// otherwise be re-sent tagged for that other ticket and act there.
public enum SignedTicketBinding {
    /// Whether the signed words bind the message to `ticket`: `ownWords` (the text the signer wrote, quotes cut) name
    /// exactly that ticket, or they name none and `wholeText` (everything signed) names exactly that ticket.
    public static func binds(_ ticket: TicketID, ownWords: String, wholeText: String) -> Bool {
        let own = tickets(in: ownWords)
        return own.isEmpty ? tickets(in: wholeText) == [ticket] : own == [ticket]
    }

    /// The tickets `text` names as a word: `#12`, `ticket 12` or `ticket #12` (any case); not `#123`'s prefix nor `a#12`.
    public static func tickets(in text: String) -> Set<TicketID> {
        let scalars = Array(text.lowercased().unicodeScalars)
        let word = Array("ticket".unicodeScalars)
        func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_"
        }
        /// The ASCII number starting at `index` (at most 9 digits, so that it fits), when one does and no digit follows.
        func number(at index: Int) -> TicketID? {
            var end = index
            while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
            guard end > index, end - index <= 9, end == scalars.count || scalars[end].properties.numericType == nil,
                let value = Int(String(String.UnicodeScalarView(scalars[index..<end])))
            else { return nil }
            return TicketID(value)
        }
        var found: Set<TicketID> = []
        var index = 0
        while index < scalars.count {
            let startsWord = index == 0 || !isWordCharacter(scalars[index - 1])
            if scalars[index] == "#", startsWord, let ticket = number(at: index + 1) { found.insert(ticket) }
            if startsWord, index + word.count <= scalars.count, Array(scalars[index..<index + word.count]) == word {
                var next = index + word.count
                var spaced = false
                while next < scalars.count, scalars[next] == " " || scalars[next] == "\t" {
                    next += 1
                    spaced = true
                }
                if next < scalars.count, scalars[next] == "#" {
                    next += 1
                    spaced = true
                }
                if spaced, let ticket = number(at: next) { found.insert(ticket) }
            }
            index += 1
        }
        return found
    }
}
