import Foundation
import Yams

extension ConfigurationFile.Team {
    /// The team read straight from its parsed node when it is written plainly — a mapping whose keys are `members`
    /// and `stacks`, each naming a list of text or nothing — and nil for anything else, which the decoder then reads
    /// and, if it is wrong, says why with its path. The values are the decoder's: each item's text as written, a key
    /// left out or given no value read as absent.
    ///
    /// Why: a configuration lists hundreds of teams and every command reads it (an idle `tick` too); through the
    /// decoder each team cost a keyed container, its keys looked up by type and then by walking the mapping: two
    /// thirds of reading the file.
    init?(plain node: Node) {
        guard case .mapping(let mapping) = node, Self.untagged(mapping.tag, or: .map) else { return nil }
        var members: [String]?
        var stacks: [String]?
        var keys = Set<String>()
        for (key, value) in mapping {
            guard case .scalar(let name) = key, Self.untagged(name.tag, or: .str),
                keys.insert(name.string).inserted, let list = PlainList(value)
            else { return nil }
            switch name.string {
            case "members": members = list.items
            case "stacks": stacks = list.items
            default: return nil
            }
        }
        self.members = members ?? []
        self.stacks = stacks
    }

    /// Whether a node has no tag of its own (the file's resolver makes it a plain string, list or mapping) or
    /// exactly the one named.
    private static func untagged(_ tag: Tag, or name: Tag.Name) -> Bool {
        tag.rawValue == Tag.Name.implicit.rawValue || tag.rawValue == name.rawValue
    }

    /// A team's value: a list of text items, or nothing written (a null scalar: `items` nil).
    private struct PlainList {
        var items: [String]?

        /// Nil when the node is neither: a mapping, an alias, a tagged or null item, a scalar with text.
        init?(_ node: Node) {
            switch node {
            case .scalar(let scalar):
                guard NSNull.construct(from: scalar) != nil else { return nil }
                items = nil
            case .sequence(let sequence):
                guard ConfigurationFile.Team.untagged(sequence.tag, or: .seq) else { return nil }
                var items: [String] = []
                items.reserveCapacity(sequence.count)
                for item in sequence {
                    guard case .scalar(let scalar) = item, ConfigurationFile.Team.untagged(scalar.tag, or: .str),
                        NSNull.construct(from: scalar) == nil
                    else { return nil }
                    items.append(scalar.string)
                }
                self.items = items
            default:
                return nil
            }
        }
    }
}
