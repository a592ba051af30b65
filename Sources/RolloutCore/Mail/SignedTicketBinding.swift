/// Whether the signed words of a message bind it to a ticket (SPEC §5, issue 23 review): a signature proves who wrote
/// the words, not which ticket they were meant for — the subject tag and the reply address lie outside it. A signed
/// command counts for ticket T only when what was signed names T: the subject of the signed part (its inner or
/// protected header) carries T's tag, or the signed text names `#T` or `ticket T` as a word (a quoted notification
/// counts: it is inside the signature).
public enum SignedTicketBinding {
    /// Whether `text` names `ticket` as a word: `#12` or `ticket 12` / `ticket #12` (any case), not `#123` nor `a#12`.
    public static func names(_ ticket: TicketID, in text: String) -> Bool {
        let number = Array(String(ticket.rawValue).unicodeScalars)
        let scalars = Array(text.lowercased().unicodeScalars)
        let word = Array("ticket".unicodeScalars)
        func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_"
        }
        /// Whether `number` starts at `index` and no digit follows it.
        func numberAt(_ index: Int) -> Bool {
            guard index + number.count <= scalars.count, Array(scalars[index..<index + number.count]) == number else { return false }
            let after = index + number.count
            return after == scalars.count || scalars[after].properties.numericType == nil
        }
        var index = 0
        while index < scalars.count {
            let startsWord = index == 0 || !isWordCharacter(scalars[index - 1])
            if scalars[index] == "#", startsWord, numberAt(index + 1) { return true }
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
                if spaced, numberAt(next) { return true }
            }
            index += 1
        }
        return false
    }
}
