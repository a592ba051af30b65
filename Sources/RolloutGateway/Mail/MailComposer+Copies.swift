import Foundation
import RolloutCore

extension MailComposer {
    /// Another recipient's copy of a composed message, made by replacing the header values that differ (To,
    /// Reply-To, Message-ID, and the recipient's thread root in References and In-Reply-To) in the first copy's
    /// bytes: one MIME write per notification, not per person.
    ///
    /// Returns nil when the copies differ in anything else, or a value cannot be replaced as plain ASCII exactly
    /// once in its field; the caller then composes the copy in full.
    public static func copy(of bytes: [UInt8], composedFrom original: Draft, as copy: Draft) -> [UInt8]? {
        guard original.to.count == 1, copy.to.count == 1, original.bulk == copy.bulk,
            original.subject == copy.subject, original.body == copy.body, original.inReplyTo == copy.inReplyTo,
            original.autoSubmitted == copy.autoSubmitted, original.ticket == copy.ticket, original.date == copy.date,
            original.references == copy.references
        else { return nil }
        var replacements: [String: (old: [UInt8], new: [UInt8])] = [
            "to": (Array(original.to[0].value.utf8), Array(copy.to[0].value.utf8)),
            "message-id": (Array(original.messageID.utf8), Array(copy.messageID.utf8)),
        ]
        switch (original.replyTo, copy.replyTo) {
        case (nil, nil): break
        case (let old?, let new?): replacements["reply-to"] = (Array(old.value.utf8), Array(new.value.utf8))
        default: return nil
        }
        switch (original.threadRoot, copy.threadRoot) {
        case (nil, nil): break
        case (let old?, let new?) where old != new:
            // The same chain with the one root swapped, or the copy is written in full.
            let ids = original.referenceList.ids
            guard copy.referenceList.ids == ids.map({ $0 == old ? new : $0 }) else { return nil }
            replacements["references"] = (Array(old.utf8), Array(new.utf8))
            if ids.last == old { replacements["in-reply-to"] = (Array(old.utf8), Array(new.utf8)) }
        case (_?, _?): break
        default: return nil
        }
        guard replacements.values.allSatisfy({ $0.old.allSatisfy(Self.isPlain) && $0.new.allSatisfy(Self.isPlain) && !$0.old.isEmpty })
        else { return nil }

        // The fields to replace, their names in lower case, each replaced exactly once.
        let fields = replacements.map { (name: Array($0.key.utf8), old: $0.value.old, new: $0.value.new) }
        var replaced = [Bool](repeating: false, count: fields.count)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            // One field: its first line and its continuation lines; the empty line ends the header.
            if bytes[index] == 0x0D || bytes[index] == 0x0A {
                out.append(contentsOf: bytes[index...])
                break
            }
            var end = index
            repeat {
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                end += 1
            } while end < bytes.count && (bytes[end] == 0x20 || bytes[end] == 0x09)
            end = min(end, bytes.count)
            let field = bytes[index..<end]
            let colon = field.firstIndex(of: UInt8(ascii: ":")) ?? end
            let name = field[index..<colon]
            if let which = fields.indices.first(where: { Self.isName(name, fields[$0].name) }) {
                guard !replaced[which], let text = Self.replacingOnce(fields[which].old, with: fields[which].new, in: field)
                else { return nil }
                out.append(contentsOf: text)
                replaced[which] = true
            } else {
                out.append(contentsOf: field)
            }
            index = end
        }
        return replaced.allSatisfy { $0 } ? out : nil
    }

    /// Whether a field's name is `lowercased` (ASCII letters in either case).
    private static func isName(_ name: ArraySlice<UInt8>, _ lowercased: [UInt8]) -> Bool {
        name.count == lowercased.count
            && zip(name, lowercased).allSatisfy { byte, lower in
                byte == lower || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte + 0x20 == lower)
            }
    }

    /// Header lines up to this length (without CRLF) are never folded by the MIME writer.
    static let unfoldedWidth = 76

    /// Printable ASCII that needs no quoting or encoding in an address or Message-ID.
    private static func isPlain(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// The replaced field, when the MIME writer would have written it the same way: a value of the same length
    /// folds where the original folded; another length only on one short line, which the writer never folds.
    private static func replacingOnce(_ old: [UInt8], with new: [UInt8], in field: ArraySlice<UInt8>) -> [UInt8]? {
        if old.count != new.count {
            let lineEnds = field.filter { $0 == 0x0A }.count
            guard lineEnds == 1, field.count - old.count + new.count <= Self.unfoldedWidth + 2 else { return nil }
        }
        var found: Int?
        var start = field.startIndex
        while start + old.count <= field.endIndex {
            if field[start] == old[0], field[start..<start + old.count].elementsEqual(old) {
                guard found == nil else { return nil }
                found = start
                start += old.count
            } else {
                start += 1
            }
        }
        guard let at = found else { return nil }
        return Array(field[field.startIndex..<at]) + new + Array(field[(at + old.count)...])
    }
}
